using System.Globalization;

namespace OrleansInference.OnnxRuntime;

public sealed partial class InferenceSession
{
    /// <summary>
    /// Runs the model like <see cref="Run(ReadOnlySpan{OrtValue}, Span{OrtValue?}, RunOptions?)"/>,
    /// stopping it through ONNX Runtime's terminate flag when <paramref name="cancellationToken"/> is
    /// canceled (<see cref="OperationCanceledException"/>) or <paramref name="timeout"/> elapses
    /// (<see cref="TimeoutException"/>). With neither, no run options are created.
    /// </summary>
    /// <param name="inputs">One value per model input, in model order.</param>
    /// <param name="outputs">One slot per model output; see the overload with run options.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <param name="timeout">Longest time the run may take, greater than zero; null for none.</param>
    /// <param name="timeProvider">Clock for the timeout; <see cref="TimeProvider.System"/> when null.</param>
    public void Run(
        ReadOnlySpan<OrtValue> inputs,
        Span<OrtValue?> outputs,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null,
        TimeProvider? timeProvider = null)
    {
        if (timeout is { } limit && limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), limit, "The timeout must be greater than zero.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!cancellationToken.CanBeCanceled && timeout is null)
        {
            Run(inputs, outputs, (RunOptions?)null);
            return;
        }

        // Declaration order matters: the registrations are disposed (waiting for a running
        // callback) before the run options they touch.
        using var runOptions = new RunOptions();
        using var timeoutSource = timeout is { } t ? new CancellationTokenSource(t, timeProvider ?? TimeProvider.System) : null;
        using var tokenRegistration = cancellationToken.UnsafeRegister(static state => ((RunOptions)state!).SetTerminate(), runOptions);
        using var timeoutRegistration = timeoutSource is null
            ? default
            : timeoutSource.Token.UnsafeRegister(static state => ((RunOptions)state!).SetTerminate(), runOptions);
        try
        {
            Run(inputs, outputs, runOptions);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The run was canceled.", ex, cancellationToken);
        }
        catch (OperationCanceledException ex) when (timeoutSource is { IsCancellationRequested: true })
        {
            throw new TimeoutException(
                string.Create(CultureInfo.InvariantCulture, $"The run did not finish within {timeout!.Value.TotalMilliseconds} ms and was terminated."),
                ex);
        }
    }
}
