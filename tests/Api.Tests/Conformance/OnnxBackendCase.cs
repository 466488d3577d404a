using OrleansInference.Contracts.Inference;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.Api.Tests.Conformance;

/// <summary>A graph input or output as the model declares it: v2 datatype and shape (-1 for a symbolic or unknown dimension; null for an unknown rank).</summary>
public sealed record DeclaredTensor(string Name, TensorDataType DataType, long[]? Shape);

/// <summary>One data set of a case: the inputs in graph order and the expected outputs in graph order.</summary>
public sealed record OnnxBackendDataSet(string Name, IReadOnlyList<ReferenceTensor> Inputs, IReadOnlyList<ReferenceTensor> Outputs);

/// <summary>
/// One test case of ONNX's backend test data: <c>{suite}/{test}/model.onnx</c> with <c>test_data_set_N/input_K.pb</c>
/// and <c>output_K.pb</c>. <see cref="Unrepresentable"/> says why a case is out of scope for tensor-only protocols
/// (a sequence, map or optional input or output, or an element type KServe v2 has no datatype for); null otherwise.
/// </summary>
public sealed class OnnxBackendCase
{
    private OnnxBackendCase(string suite, string name, string directory, byte[] model, IReadOnlyList<DeclaredTensor> inputs, IReadOnlyList<DeclaredTensor> outputs, string? unrepresentable)
    {
        Suite = suite;
        Name = name;
        Directory = directory;
        Model = model;
        Inputs = inputs;
        Outputs = outputs;
        Unrepresentable = unrepresentable;
    }

    /// <summary>The suite folder: node, simple, pytorch-converted or pytorch-operator.</summary>
    public string Suite { get; }

    /// <summary>The test name, for example <c>test_abs</c>.</summary>
    public string Name { get; }

    /// <summary><c>suite/name</c>.</summary>
    public string Id => Suite + "/" + Name;

    public string Directory { get; }

    /// <summary>The model.onnx bytes.</summary>
    public byte[] Model { get; }

    /// <summary>The graph inputs that are not initializers, in order (what a session takes).</summary>
    public IReadOnlyList<DeclaredTensor> Inputs { get; }

    /// <summary>The graph outputs, in order.</summary>
    public IReadOnlyList<DeclaredTensor> Outputs { get; }

    /// <summary>Why the case cannot be expressed as v2 tensors; null when it can.</summary>
    public string? Unrepresentable { get; }

    /// <summary>Reads the data sets (input and output tensors), positionally matched to the declared inputs and outputs.</summary>
    public IReadOnlyList<OnnxBackendDataSet> ReadDataSets()
    {
        if (Unrepresentable is not null)
        {
            throw new InvalidOperationException($"{Id} is not representable: {Unrepresentable}");
        }

        var sets = new List<OnnxBackendDataSet>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Directory, "test_data_set_*").Order(StringComparer.Ordinal))
        {
            sets.Add(new OnnxBackendDataSet(
                Path.GetFileName(dir),
                ReadTensors(dir, "input", Inputs),
                ReadTensors(dir, "output", Outputs)));
        }

        return sets;
    }

    /// <summary>Reads a case folder.</summary>
    public static OnnxBackendCase Load(string suite, string directory)
    {
        var bytes = File.ReadAllBytes(Path.Combine(directory, "model.onnx"));
        var model = ModelProto.Parser.ParseFrom(bytes);
        var initializers = model.Graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        string? unrepresentable = null;
        var inputs = Declare(model.Graph.Input.Where(i => !initializers.Contains(i.Name)), ref unrepresentable);
        var outputs = Declare(model.Graph.Output, ref unrepresentable);
        return new OnnxBackendCase(suite, Path.GetFileName(directory), directory, bytes, inputs, outputs, unrepresentable);
    }

    private static List<DeclaredTensor> Declare(IEnumerable<ValueInfoProto> values, ref string? unrepresentable)
    {
        var declared = new List<DeclaredTensor>();
        foreach (var value in values)
        {
            if (value.Type?.TensorType is not { } tensor)
            {
                unrepresentable ??= $"'{value.Name}' is a {value.Type?.ValueCase.ToString() ?? "untyped value"}, not a tensor";
                continue;
            }

            TensorDataType type;
            try
            {
                type = ReferenceTensor.ToDataType(tensor.ElemType);
            }
            catch (NotSupportedException ex)
            {
                unrepresentable ??= $"'{value.Name}': {ex.Message}";
                continue;
            }

            var shape = tensor.Shape is null
                ? null
                : tensor.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : -1L).ToArray();
            declared.Add(new DeclaredTensor(value.Name, type, shape));
        }

        return declared;
    }

    private static List<ReferenceTensor> ReadTensors(string dir, string prefix, IReadOnlyList<DeclaredTensor> declared)
    {
        var tensors = new List<ReferenceTensor>();
        for (var i = 0; ; i++)
        {
            var path = Path.Combine(dir, $"{prefix}_{i}.pb");
            if (!File.Exists(path))
            {
                break;
            }

            var name = i < declared.Count ? declared[i].Name : $"{prefix}_{i}";
            tensors.Add(ReferenceTensor.Read(path, name));
        }

        return tensors;
    }
}
