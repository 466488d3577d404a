using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// Preallocated outputs for one combination of input shapes and requested outputs: the output shapes a run of those
/// input shapes produced, each over its own aligned buffer, bound to the instance's I/O binding while the combination
/// recurs (a batch size seen before), so such runs allocate nothing in ONNX Runtime's binding. A model whose output
/// shapes depend on input values makes the reused shapes fail; the plan is then marked <see cref="Dynamic"/> and
/// those runs let ONNX Runtime allocate the outputs.
/// </summary>
internal sealed class OutputPlan : IDisposable
{
    /// <summary>
    /// Results of this plan kept for reuse: enough for a result still being written to one client while the next
    /// runs, and a few callers more; beyond that a held result is replaced by a new one.
    /// </summary>
    private const int KeptResults = 4;

    private readonly long[][] _inputShapes;
    private readonly ReusableResult?[] _results = new ReusableResult?[KeptResults];
    private int _nextResult;

    private OutputPlan(long[][] inputShapes, string[] outputNames, AlignedTensorBuffer[] buffers, OrtValue[] values, long[][] shapes, int[] byteLengths)
    {
        _inputShapes = inputShapes;
        OutputNames = outputNames;
        Buffers = buffers;
        Values = values;
        Shapes = shapes;
        ByteLengths = byteLengths;
    }

    /// <summary>The outputs, in the order they are bound and returned.</summary>
    public string[] OutputNames { get; }

    public AlignedTensorBuffer[] Buffers { get; }

    public OrtValue[] Values { get; }

    public long[][] Shapes { get; }

    public int[] ByteLengths { get; }

    /// <summary>Whether the outputs' shapes changed between runs of the same input shapes: preallocation does not apply.</summary>
    public bool Dynamic { get; set; }

    /// <summary>Whether this plan is for these input shapes and output names (allocation-free comparison).</summary>
    public bool Matches(ReadOnlySpan<NamedTensor> inputs, IReadOnlyList<string> outputNames)
    {
        if (inputs.Length != _inputShapes.Length || outputNames.Count != OutputNames.Length)
        {
            return false;
        }

        for (var i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].Shape.AsSpan().SequenceEqual(_inputShapes[i]))
            {
                return false;
            }
        }

        for (var o = 0; o < outputNames.Count; o++)
        {
            if (!string.Equals(outputNames[o], OutputNames[o], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A plan for the outputs ONNX Runtime just produced for <paramref name="inputs"/>; null when an output is not a
    /// fixed-size tensor (strings).
    /// </summary>
    public static OutputPlan? TryCreate(ReadOnlySpan<NamedTensor> inputs, IReadOnlyList<string> outputNames, IReadOnlyList<OrtValue> produced)
    {
        for (var o = 0; o < produced.Count; o++)
        {
            if (!produced[o].IsTensor || produced[o].GetTensorTypeAndShape().ElementDataType == TensorElementType.String)
            {
                return null;
            }
        }

        var inputShapes = new long[inputs.Length][];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputShapes[i] = (long[])inputs[i].Shape.Clone();
        }

        var buffers = new AlignedTensorBuffer[produced.Count];
        var values = new OrtValue[produced.Count];
        var shapes = new long[produced.Count][];
        var lengths = new int[produced.Count];
        for (var o = 0; o < produced.Count; o++)
        {
            var info = produced[o].GetTensorTypeAndShape();
            shapes[o] = info.Shape;
            lengths[o] = checked((int)(ShapeMath.ElementCount(info.Shape) * ((TensorDataType)(int)info.ElementDataType).ElementSize()));
            buffers[o] = new AlignedTensorBuffer(info.ElementDataType);
            values[o] = buffers[o].ValueFor(shapes[o], lengths[o]);
        }

        return new OutputPlan(inputShapes, outputNames.ToArray(), buffers, values, shapes, lengths);
    }

    /// <summary>
    /// The outputs just written into the plan's buffers, as a result the caller owns until it disposes every tensor:
    /// a kept result no caller holds (nothing allocated), else a new one kept in place of the oldest.
    /// </summary>
    public NamedTensor[] Lease()
    {
        for (var r = 0; r < _results.Length; r++)
        {
            if (_results[r] is { IsFree: true } free)
            {
                return free.HandOut(this);
            }
        }

        // Every kept result is held (or none was made yet); one dropped here is released to the collector by its holder.
        var result = new ReusableResult(this);
        _results[_nextResult] = result;
        _nextResult = (_nextResult + 1) % KeptResults;
        return result.HandOut(this);
    }

    public void Dispose()
    {
        foreach (var buffer in Buffers)
        {
            buffer.Dispose();
        }
    }
}
