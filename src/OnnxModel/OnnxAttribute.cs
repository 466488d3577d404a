using System.Text;
using Google.Protobuf;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.OnnxModel;

/// <summary>
/// Factory for ONNX node attributes (<see cref="AttributeProto"/>) with the type discriminator set.
/// </summary>
public static class OnnxAttribute
{
    /// <summary>A single 64-bit integer attribute.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A single 32-bit float attribute.</summary>
    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>A UTF-8 string attribute.</summary>
    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFrom(value, Encoding.UTF8) };

    /// <summary>A list of 64-bit integers.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A list of 32-bit floats.</summary>
    public static AttributeProto Floats(string name, params float[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    /// <summary>A list of UTF-8 strings.</summary>
    public static AttributeProto Strings(string name, params string[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        foreach (var value in values)
        {
            attribute.Strings.Add(ByteString.CopyFrom(value, Encoding.UTF8));
        }

        return attribute;
    }

    /// <summary>A tensor attribute (for example the value of a Constant node).</summary>
    public static AttributeProto Tensor(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };
}
