using Google.Protobuf;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.OnnxModel;

/// <summary>
/// Fluent builder for a single-graph ONNX model in the default operator-set domain.
/// </summary>
/// <remarks>
/// The model is written with IR version <see cref="IrVersion"/> and producer
/// <see cref="ProducerName"/>. Nodes must be added in topological order. Serialization is
/// deterministic: the same calls produce the same bytes.
/// </remarks>
public sealed class OnnxGraphBuilder
{
    /// <summary>The ONNX IR version written to every model.</summary>
    public const long IrVersion = 8;

    /// <summary>The producer name written to every model.</summary>
    public const string ProducerName = "OrleansInference";

    private readonly GraphProto _graph;
    private readonly int _opset;
    private readonly List<StringStringEntryProto> _metadata = [];
    private string _producerVersion = "1.0";
    private string _docString = string.Empty;

    /// <summary>Starts a graph named <paramref name="graphName"/> importing the default ONNX domain at <paramref name="opset"/>.</summary>
    public OnnxGraphBuilder(string graphName, int opset = 17)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        ArgumentOutOfRangeException.ThrowIfLessThan(opset, 1);
        _graph = new GraphProto { Name = graphName };
        _opset = opset;
    }

    /// <summary>
    /// Adds a graph input. Each dimension is a <see cref="long"/> (or <see cref="int"/>) fixed size
    /// or a <see cref="string"/> symbolic name such as <c>"N"</c>.
    /// </summary>
    public OnnxGraphBuilder AddInput(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        _graph.Input.Add(ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>Adds a graph output; dimensions as for <see cref="AddInput"/>.</summary>
    public OnnxGraphBuilder AddOutput(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        _graph.Output.Add(ValueInfo(name, type, dims));
        return this;
    }

    /// <summary>Adds a float32 initializer of shape <paramref name="dims"/>.</summary>
    public OnnxGraphBuilder AddInitializer(string name, float[] values, params long[] dims) =>
        AddInitializer(OnnxTensors.Float(name, values, dims));

    /// <summary>Adds a float64 initializer of shape <paramref name="dims"/>.</summary>
    public OnnxGraphBuilder AddInitializer(string name, double[] values, params long[] dims) =>
        AddInitializer(OnnxTensors.Double(name, values, dims));

    /// <summary>Adds an int64 initializer of shape <paramref name="dims"/>.</summary>
    public OnnxGraphBuilder AddInitializer(string name, long[] values, params long[] dims) =>
        AddInitializer(OnnxTensors.Int64(name, values, dims));

    /// <summary>Adds an int32 initializer of shape <paramref name="dims"/>.</summary>
    public OnnxGraphBuilder AddInitializer(string name, int[] values, params long[] dims) =>
        AddInitializer(OnnxTensors.Int32(name, values, dims));

    /// <summary>Adds a string initializer of shape <paramref name="dims"/>.</summary>
    public OnnxGraphBuilder AddInitializer(string name, string[] values, params long[] dims) =>
        AddInitializer(OnnxTensors.String(name, values, dims));

    /// <summary>Adds a prepared initializer; it must carry a name.</summary>
    public OnnxGraphBuilder AddInitializer(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (string.IsNullOrEmpty(tensor.Name))
        {
            throw new ArgumentException("An initializer must have a name.", nameof(tensor));
        }

        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>
    /// Adds a node of operator <paramref name="opType"/> (default domain). The node name defaults to
    /// <c>{opType}_{index}</c>.
    /// </summary>
    public OnnxGraphBuilder AddNode(string opType, string[] inputs, string[] outputs, string? name = null, params AttributeProto[] attrs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        var node = new NodeProto { OpType = opType, Name = name ?? $"{opType}_{_graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attrs);
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>Adds a model metadata property (<c>metadata_props</c>); keys should be distinct.</summary>
    public OnnxGraphBuilder AddMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _metadata.Add(new StringStringEntryProto { Key = key, Value = value });
        return this;
    }

    /// <summary>Sets the producer version (default <c>"1.0"</c>).</summary>
    public OnnxGraphBuilder WithProducerVersion(string version)
    {
        _producerVersion = version;
        return this;
    }

    /// <summary>Sets the model's human-readable documentation.</summary>
    public OnnxGraphBuilder WithDocString(string docString)
    {
        _docString = docString;
        return this;
    }

    /// <summary>Builds the model. Each call returns a new, independent message.</summary>
    public ModelProto ToModelProto()
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = _producerVersion,
            DocString = _docString,
            Graph = _graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = _opset });
        foreach (var entry in _metadata)
        {
            model.MetadataProps.Add(entry.Clone());
        }

        return model;
    }

    /// <summary>Builds and serializes the model.</summary>
    public byte[] ToBytes() => ToModelProto().ToByteArray();

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                long value => new TensorShapeProto.Types.Dimension { DimValue = value },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                string param => new TensorShapeProto.Types.Dimension { DimParam = param },
                _ => throw new ArgumentException(
                    $"Dimension '{dim}' of value '{name}' must be a long, an int or a symbolic name string.", nameof(dims)),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
