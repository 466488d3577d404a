using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Execution;
using OrleansInference.OnnxModel;
using OrleansInference.OnnxRuntime.Tests.Support;
using DataType = OrleansInference.OnnxModel.Proto.TensorProto.Types.DataType;

namespace OrleansInference.OnnxRuntime.Tests;

/// <summary>
/// The runner's reused output buffers: shapes that recur come back right, and a model whose output shape depends on
/// its input values (NonZero) still answers right when the same input shape gives another output shape.
/// </summary>
public sealed class RunnerOutputPlanTests
{
    private readonly OnnxSessionFactory _factory = new();

    [Fact]
    public void Run_ValueDependentOutputShape_SameInputShape_ReturnsEachRunsOwnShape()
    {
        var model = new OnnxGraphBuilder("nonzero")
            .AddInput("x", DataType.Float, 4L)
            .AddOutput("y", DataType.Int64, 1L, "K")
            .AddNode("NonZero", ["x"], ["y"])
            .ToBytes();
        using var runner = new OnnxModelRunner(_factory, model, new SessionSettings(), instances: 1);
        float[][] inputs = [[1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 2, 3, 0], [0, 0, 0, 4], [5, 6, 7, 8]];
        long[][] expected = [[0], [0], [0], [1, 2], [3], [0, 1, 2, 3]];

        for (var i = 0; i < inputs.Length; i++)
        {
            using var input = Tensors.Float("x", inputs[i], 4);
            using var output = Assert.Single(runner.Run(0, [input], ["y"], CancellationToken.None));

            Assert.Equal([1L, expected[i].Length], output.Shape);
            Assert.Equal(expected[i], output.AsSpan<long>().ToArray());
        }
    }

    [Fact]
    public void Run_RecurringShapes_ReusedBuffers_GiveEachRunsValues()
    {
        var model = new OnnxGraphBuilder("double")
            .AddInput("x", DataType.Float, "N", 2L)
            .AddOutput("y", DataType.Float, "N", 2L)
            .AddNode("Add", ["x", "x"], ["y"])
            .ToBytes();
        using var runner = new OnnxModelRunner(_factory, model, new SessionSettings(), instances: 1);

        for (var run = 0; run < 40; run++)
        {
            var rows = 1 + (run % 5);
            var values = Enumerable.Range(run, rows * 2).Select(v => (float)v).ToArray();
            using var input = Tensors.Float("x", values, rows, 2);
            using var output = Assert.Single(runner.Run(0, [input], ["y"], CancellationToken.None));

            Assert.Equal([(long)rows, 2L], output.Shape);
            Assert.Equal(values.Select(v => v * 2), output.AsSpan<float>().ToArray());
        }
    }

    [Fact]
    public void Run_SameRequestTwice_IdenticalBits_WhateverTheInputBuffersAddress()
    {
        // LayerNormalization picks vector code by address; the runner's aligned copies make repeated requests agree.
        var model = new OnnxGraphBuilder("layernorm")
            .AddInput("x", DataType.Float, 3L, 37L)
            .AddOutput("y", DataType.Float, 3L, 37L)
            .AddInitializer("scale", Enumerable.Repeat(1.5f, 37).ToArray(), 37)
            .AddNode("LayerNormalization", ["x", "scale"], ["y"])
            .ToBytes();
        using var runner = new OnnxModelRunner(_factory, model, new SessionSettings(), instances: 1);
        var values = Enumerable.Range(0, 3 * 37).Select(i => MathF.Sin(i) * 10).ToArray();
        byte[]? first = null;

        for (var offset = 0; offset < 64; offset += 4)
        {
            var storage = new byte[(values.Length * sizeof(float)) + 64];
            Buffer.BlockCopy(values, 0, storage, offset, values.Length * sizeof(float));
            using var input = new NamedTensor("x", TensorDataType.Float32, [3, 37], storage.AsMemory(offset, values.Length * sizeof(float)));
            using var output = Assert.Single(runner.Run(0, [input], ["y"], CancellationToken.None));

            var bits = output.Data.ToArray();
            first ??= bits;
            Assert.Equal(first, bits);
        }
    }
}
