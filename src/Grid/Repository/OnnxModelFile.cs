using Google.Protobuf;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.Grid.Repository;

/// <summary>
/// Checks that a file is an ONNX model before it is registered: it must parse as an ONNX <c>ModelProto</c> with an IR
/// version, an operator-set import and a graph that has outputs. Whether ONNX Runtime can run it is decided later,
/// by loading it, before it takes traffic.
/// </summary>
public static class OnnxModelFile
{
    /// <summary>The oldest ONNX IR version that declares operator sets (IR 3, ONNX 1.0).</summary>
    private const long MinimumIrVersion = 3;

    /// <summary>Throws <see cref="ModelRepositoryException"/> naming <paramref name="shownName"/> unless <paramref name="model"/> is an ONNX model.</summary>
    /// <param name="model">A readable stream positioned at the model's first byte; read to its end.</param>
    /// <param name="shownName">How the file is named in the message (the upload's part and file name, or its path).</param>
    public static void Check(Stream model, string shownName)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException)
        {
            // The parser's message is not shown: the file's bytes are not echoed back.
            throw new ModelRepositoryException($"{shownName} is not an ONNX model: it does not parse as an ONNX ModelProto (protobuf).");
        }

        if (proto.IrVersion < MinimumIrVersion)
        {
            throw new ModelRepositoryException($"{shownName} is not an ONNX model: its ir_version is {proto.IrVersion}; expected {MinimumIrVersion} or later.");
        }

        if (proto.OpsetImport.Count == 0)
        {
            throw new ModelRepositoryException($"{shownName} is not an ONNX model: it imports no operator set (opset_import is empty).");
        }

        if (proto.Graph is null || proto.Graph.Output.Count == 0)
        {
            throw new ModelRepositoryException($"{shownName} is not an ONNX model: it has no graph with outputs.");
        }
    }

    /// <summary>Checks the file at <paramref name="path"/>; see <see cref="Check(Stream, string)"/>.</summary>
    public static void CheckFile(string path, string shownName)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
        Check(stream, shownName);
    }
}
