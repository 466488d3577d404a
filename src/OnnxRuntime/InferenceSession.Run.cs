using System.Runtime.CompilerServices;
using OrleansInference.OnnxRuntime.Native;

namespace OrleansInference.OnnxRuntime;

public sealed unsafe partial class InferenceSession
{
    private const int StackLimit = 16;

    /// <summary>
    /// Runs the model. <paramref name="inputs"/> holds one value per model input, in model order.
    /// <paramref name="outputs"/> has one slot per model output: a non-null slot is a caller-owned
    /// tensor ONNX Runtime writes into (its shape must match); a null slot receives a new value
    /// the caller disposes. With every slot pre-filled the call allocates no managed memory.
    /// </summary>
    /// <exception cref="ArgumentException">An input has the wrong element type or shape, or a span has the wrong length.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="runOptions"/> had its terminate flag set.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed the run.</exception>
    public void Run(ReadOnlySpan<OrtValue> inputs, Span<OrtValue?> outputs, RunOptions? runOptions = null)
    {
        if (outputs.Length != _outputs.Length)
        {
            throw new ArgumentException(
                $"The model has {_outputs.Length} outputs {JoinNames(_outputs)}; the outputs span has {outputs.Length} slots.",
                nameof(outputs));
        }

        RunCore(inputs, _outputNamePointers, outputs, runOptions);
    }

    /// <summary>
    /// Runs the model for the outputs at <paramref name="outputIndices"/> (positions in
    /// <see cref="OutputMetadata"/>); <paramref name="outputs"/> has one slot per index, filled as in
    /// <see cref="Run(ReadOnlySpan{OrtValue}, Span{OrtValue?}, RunOptions?)"/>.
    /// </summary>
    public void Run(ReadOnlySpan<OrtValue> inputs, ReadOnlySpan<int> outputIndices, Span<OrtValue?> outputs, RunOptions? runOptions = null)
    {
        if (outputs.Length != outputIndices.Length)
        {
            throw new ArgumentException(
                $"{outputIndices.Length} outputs were requested but the outputs span has {outputs.Length} slots.", nameof(outputs));
        }

        Span<nint> names = outputIndices.Length <= StackLimit ? stackalloc nint[StackLimit] : new nint[outputIndices.Length];
        for (var i = 0; i < outputIndices.Length; i++)
        {
            var index = outputIndices[i];
            if ((uint)index >= (uint)_outputs.Length)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(outputIndices), index, $"The model has {_outputs.Length} outputs {JoinNames(_outputs)}.");
            }

            names[i] = (nint)_outputNamePointers[index];
        }

        fixed (nint* namePointers = names)
        {
            RunCore(inputs, (byte**)namePointers, outputs, runOptions);
        }
    }

    private void RunCore(ReadOnlySpan<OrtValue> inputs, byte** outputNames, Span<OrtValue?> outputs, RunOptions? runOptions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateInputs(inputs);
        var inputCount = inputs.Length;
        var outputCount = outputs.Length;
        Span<nint> inputPointers = inputCount <= StackLimit ? stackalloc nint[StackLimit] : new nint[inputCount];
        Span<nint> outputPointers = outputCount <= StackLimit ? stackalloc nint[StackLimit] : new nint[outputCount];
        outputPointers[..outputCount].Clear();
        Span<bool> provided = outputCount <= StackLimit ? stackalloc bool[StackLimit] : new bool[outputCount];

        var sessionAdded = false;
        var runOptionsAdded = false;
        var inputsAdded = 0;
        var outputsAdded = 0;
        var succeeded = false;
        try
        {
            _handle.DangerousAddRef(ref sessionAdded);
            runOptions?.Handle.DangerousAddRef(ref runOptionsAdded);
            for (; inputsAdded < inputCount; inputsAdded++)
            {
                var handle = inputs[inputsAdded].Handle;
                var added = false;
                handle.DangerousAddRef(ref added);
                inputPointers[inputsAdded] = handle.Pointer;
            }

            for (; outputsAdded < outputCount; outputsAdded++)
            {
                var value = outputs[outputsAdded];
                provided[outputsAdded] = value is not null;
                if (value is not null)
                {
                    var added = false;
                    value.Handle.DangerousAddRef(ref added);
                    outputPointers[outputsAdded] = value.Handle.Pointer;
                }
            }

            nint status;
            fixed (nint* inputArray = inputPointers)
            fixed (nint* outputArray = outputPointers)
            {
                status = _api.Run(
                    _handle.Pointer,
                    runOptions is null ? 0 : runOptions.Handle.Pointer,
                    _inputNamePointers,
                    inputArray,
                    (nuint)inputCount,
                    outputNames,
                    (nuint)outputCount,
                    outputArray);
            }

            if (status != 0)
            {
                ThrowRunFailure(status, runOptions);
            }

            for (var i = 0; i < outputCount; i++)
            {
                if (!provided[i])
                {
                    outputs[i] = new OrtValue(new ValueHandle(outputPointers[i]));
                    outputPointers[i] = 0;
                }
            }

            succeeded = true;
        }
        finally
        {
            if (!succeeded)
            {
                ReleaseUnclaimedOutputs(outputPointers[..outputCount], provided[..outputCount]);
            }

            for (var i = 0; i < outputsAdded; i++)
            {
                if (provided[i])
                {
                    outputs[i]!.Handle.DangerousRelease();
                }
            }

            for (var i = 0; i < inputsAdded; i++)
            {
                inputs[i].Handle.DangerousRelease();
            }

            if (runOptionsAdded)
            {
                runOptions!.Handle.DangerousRelease();
            }

            if (sessionAdded)
            {
                _handle.DangerousRelease();
            }
        }
    }

    private void ReleaseUnclaimedOutputs(Span<nint> outputPointers, Span<bool> provided)
    {
        for (var i = 0; i < outputPointers.Length; i++)
        {
            if (!provided[i] && outputPointers[i] != 0)
            {
                _api.ReleaseValue(outputPointers[i]);
                outputPointers[i] = 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowRunFailure(nint status, RunOptions? runOptions)
    {
        var error = _api.ToException(status);
        if (runOptions is { IsTerminateRequested: true })
        {
            throw new OperationCanceledException("The run was terminated through its run options before it finished.", error);
        }

        throw error;
    }
}
