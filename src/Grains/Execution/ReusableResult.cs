using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// The result of one recurring run (one <see cref="OutputPlan"/>), made once and handed out again while no caller
/// holds it: the result array, one tensor per output with its shape and a managed buffer of the output's size. Each
/// tensor's owner is this object, told once per hand-out when a holder disposes that tensor; when every tensor of a
/// hand-out has been disposed the result is free for the next run. A result never disposed stays held and is
/// replaced (<see cref="OutputPlan.Lease"/>), so a caller that keeps its tensors never sees them overwritten.
/// </summary>
/// <remarks>
/// The buffers are managed arrays, not the plan's native memory: a holder that outlives the plan (an unloaded
/// version) still reads valid memory. A holder must not read or dispose a tensor after disposing it, as with any
/// pooled buffer: its storage may already carry a later run's output.
/// </remarks>
internal sealed class ReusableResult : IDisposable
{
    private readonly byte[][] _buffers;
    private int _held;

    public ReusableResult(OutputPlan plan)
    {
        var count = plan.OutputNames.Length;
        Tensors = new NamedTensor[count];
        _buffers = new byte[count][];
        for (var o = 0; o < count; o++)
        {
            var length = plan.ByteLengths[o];
            _buffers[o] = GC.AllocateUninitializedArray<byte>(length);
            var type = (TensorDataType)(int)plan.Buffers[o].ElementType;
            Tensors[o] = new NamedTensor(plan.OutputNames[o], type, (long[])plan.Shapes[o].Clone(), _buffers[o], owner: null);
        }
    }

    /// <summary>The result array handed to the caller: the same array and tensors on every hand-out.</summary>
    public NamedTensor[] Tensors { get; }

    /// <summary>Whether every tensor of the last hand-out has been disposed (or there was none).</summary>
    public bool IsFree => Volatile.Read(ref _held) == 0;

    /// <summary>Copies the plan's outputs into the buffers and hands the tensors out; the result must be free.</summary>
    public NamedTensor[] HandOut(OutputPlan plan)
    {
        for (var o = 0; o < _buffers.Length; o++)
        {
            plan.Buffers[o].Bytes(_buffers[o].Length).CopyTo(_buffers[o]);
        }

        Volatile.Write(ref _held, Tensors.Length);
        foreach (var tensor in Tensors)
        {
            tensor.Rearm(this);
        }

        return Tensors;
    }

    /// <summary>One tensor of the current hand-out was disposed by its holder.</summary>
    public void Dispose() => Interlocked.Decrement(ref _held);
}
