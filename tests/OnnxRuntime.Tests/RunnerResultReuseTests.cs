using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Execution;
using OrleansInference.OnnxModel;
using OrleansInference.OnnxRuntime.Tests.Support;
using DataType = OrleansInference.OnnxModel.Proto.TensorProto.Types.DataType;

namespace OrleansInference.OnnxRuntime.Tests;

/// <summary>
/// The runner's reused results: a result is handed out again only after its caller disposed every tensor, so a
/// result still held keeps its values while later runs of the same shape answer with results of their own.
/// </summary>
public sealed class RunnerResultReuseTests
{
    private readonly OnnxSessionFactory _factory = new();

    [Fact]
    public void Run_ResultsStillHeld_LaterRunsDoNotOverwriteThem()
    {
        using var runner = CreateDoubler();
        var held = new List<(NamedTensor[] Result, float[] Expected)>();
        try
        {
            // More held results than the plan keeps, all of one recurring shape.
            for (var run = 0; run < 10; run++)
            {
                var values = new[] { run, run + 0.5f, -run, 100f + run };
                using var input = Tensors.Float("x", values, 2, 2);
                var result = runner.Run(0, [input], ["y"], CancellationToken.None);
                Assert.DoesNotContain(held, h => ReferenceEquals(h.Result, result) || ReferenceEquals(h.Result[0], result[0]));
                held.Add((result, values.Select(v => v * 2).ToArray()));
            }

            foreach (var (result, expected) in held)
            {
                Assert.Equal(expected, result[0].AsSpan<float>().ToArray());
            }
        }
        finally
        {
            foreach (var (result, _) in held)
            {
                result[0].Dispose();
            }
        }
    }

    [Fact]
    public void Run_ResultDisposed_NextRunReusesItWithItsOwnValues()
    {
        using var runner = CreateDoubler();
        using var first = Tensors.Float("x", [1, 2, 3, 4], 2, 2);
        using var second = Tensors.Float("x", [5, 6, 7, 8], 2, 2);

        // A shape gets its plan when it comes back (the second run), and the plan's results from the third.
        runner.Run(0, [first], ["y"], CancellationToken.None)[0].Dispose();
        runner.Run(0, [first], ["y"], CancellationToken.None)[0].Dispose();

        var a = runner.Run(0, [first], ["y"], CancellationToken.None);
        Assert.Equal([2f, 4, 6, 8], a[0].AsSpan<float>().ToArray());
        a[0].Dispose();
        var b = runner.Run(0, [second], ["y"], CancellationToken.None);
        Assert.Equal([10f, 12, 14, 16], b[0].AsSpan<float>().ToArray());
        b[0].Dispose();

        Assert.Same(a, b);
    }

    [Fact]
    public void Run_OneOfTwoOutputsStillHeld_ResultNotReused()
    {
        var model = new OnnxGraphBuilder("two")
            .AddInput("x", DataType.Float, "N", 2L)
            .AddOutput("sum", DataType.Float, "N", 2L)
            .AddOutput("product", DataType.Float, "N", 2L)
            .AddNode("Add", ["x", "x"], ["sum"])
            .AddNode("Mul", ["x", "x"], ["product"])
            .ToBytes();
        using var runner = new OnnxModelRunner(_factory, model, new SessionSettings(), instances: 1);
        using var first = Tensors.Float("x", [1, 2], 1, 2);
        using var second = Tensors.Float("x", [3, 4], 1, 2);
        foreach (var tensor in runner.Run(0, [first], ["sum", "product"], CancellationToken.None))
        {
            tensor.Dispose();
        }

        var a = runner.Run(0, [first], ["sum", "product"], CancellationToken.None);
        a[0].Dispose();
        var b = runner.Run(0, [second], ["sum", "product"], CancellationToken.None);

        Assert.NotSame(a, b);
        Assert.Equal([1f, 4], a[1].AsSpan<float>().ToArray());
        Assert.Equal([6f, 8], b[0].AsSpan<float>().ToArray());
        Assert.Equal([9f, 16], b[1].AsSpan<float>().ToArray());
        a[1].Dispose();
        b[0].Dispose();
        b[1].Dispose();
    }

    private OnnxModelRunner CreateDoubler()
    {
        var model = new OnnxGraphBuilder("double")
            .AddInput("x", DataType.Float, "N", 2L)
            .AddOutput("y", DataType.Float, "N", 2L)
            .AddNode("Add", ["x", "x"], ["y"])
            .ToBytes();
        return new OnnxModelRunner(_factory, model, new SessionSettings(), instances: 1);
    }
}
