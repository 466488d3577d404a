using System.Buffers.Binary;
using System.Text;
using OrleansInference.OnnxModel;
using OrleansInference.OnnxModel.Proto;

namespace OrleansInference.ModelTrainer.Tests.OnnxModel;

public sealed class OnnxGraphBuilderTests
{
    private static OnnxGraphBuilder CreateLinearModel() =>
        new OnnxGraphBuilder("linear", opset: 17)
            .AddInput("features", TensorProto.Types.DataType.Float, "N", 3L)
            .AddOutput("probabilities", TensorProto.Types.DataType.Float, "N", 2L)
            .AddInitializer("w", [1f, 2f, 3f, 4f, 5f, 6f], 3, 2)
            .AddInitializer("b", [0.5f, -0.5f], 2)
            .AddInitializer("shape", [-1L, 2L], 2)
            .AddInitializer("labels", ["no", "yes"], 2)
            .AddNode("Gemm", ["features", "w", "b"], ["logits"], attrs: OnnxAttribute.Float("alpha", 1f))
            .AddNode("Softmax", ["logits"], ["probabilities"], "softmax", OnnxAttribute.Int("axis", 1))
            .AddMetadata("model_name", "linear");

    [Fact]
    public void ToBytes_ProducesParseableModelWithExpectedGraph()
    {
        var model = ModelProto.Parser.ParseFrom(CreateLinearModel().ToBytes());

        Assert.Equal(8, model.IrVersion);
        Assert.Equal("OrleansInference", model.ProducerName);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal(string.Empty, opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal("linear", model.Graph.Name);

        var input = Assert.Single(model.Graph.Input);
        Assert.Equal("features", input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        Assert.Equal("N", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(3, input.Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal("probabilities", Assert.Single(model.Graph.Output).Name);

        Assert.Equal(["Gemm", "Softmax"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["features", "w", "b"], model.Graph.Node[0].Input);
        Assert.Equal("Gemm_0", model.Graph.Node[0].Name);
        var axis = Assert.Single(model.Graph.Node[1].Attribute);
        Assert.Equal(("axis", AttributeProto.Types.AttributeType.Int, 1L), (axis.Name, axis.Type, axis.I));

        var metadata = Assert.Single(model.MetadataProps);
        Assert.Equal(("model_name", "linear"), (metadata.Key, metadata.Value));
    }

    [Fact]
    public void Initializers_StoreTypedLittleEndianData()
    {
        var graph = CreateLinearModel().ToModelProto().Graph;

        var w = graph.Initializer.Single(t => t.Name == "w");
        Assert.Equal((int)TensorProto.Types.DataType.Float, w.DataType);
        Assert.Equal([3L, 2L], w.Dims);
        var bytes = w.RawData.Span;
        Assert.Equal(24, bytes.Length);
        Assert.Equal(6f, BinaryPrimitives.ReadSingleLittleEndian(bytes[20..]));

        var shape = graph.Initializer.Single(t => t.Name == "shape");
        Assert.Equal((int)TensorProto.Types.DataType.Int64, shape.DataType);
        Assert.Equal(-1L, BinaryPrimitives.ReadInt64LittleEndian(shape.RawData.Span));

        var labels = graph.Initializer.Single(t => t.Name == "labels");
        Assert.Equal((int)TensorProto.Types.DataType.String, labels.DataType);
        Assert.Equal(["no", "yes"], labels.StringData.Select(s => Encoding.UTF8.GetString(s.Span)));
    }

    [Fact]
    public void ToBytes_IsDeterministic()
    {
        Assert.Equal(CreateLinearModel().ToBytes(), CreateLinearModel().ToBytes());
    }

    [Fact]
    public void AddInitializer_RejectsShapeThatDoesNotMatchData()
    {
        var builder = new OnnxGraphBuilder("bad");

        var error = Assert.Throws<ArgumentException>(() => builder.AddInitializer("w", [1f, 2f, 3f], 2, 2));
        Assert.Contains("'w'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddInput_RejectsDimensionOfUnsupportedType()
    {
        var builder = new OnnxGraphBuilder("bad");

        Assert.Throws<ArgumentException>(() => builder.AddInput("x", TensorProto.Types.DataType.Float, 1.5));
    }

    [Fact]
    public void Attributes_CarryTheirTypeDiscriminator()
    {
        Assert.Equal(AttributeProto.Types.AttributeType.Ints, OnnxAttribute.Ints("perm", 1, 0).Type);
        Assert.Equal(AttributeProto.Types.AttributeType.Floats, OnnxAttribute.Floats("scales", 1f).Type);
        Assert.Equal("NOTSET", OnnxAttribute.String("auto_pad", "NOTSET").S.ToStringUtf8());
        Assert.Equal(AttributeProto.Types.AttributeType.Tensor, OnnxAttribute.Tensor("value", OnnxTensors.Float("c", [1f])).Type);
    }
}
