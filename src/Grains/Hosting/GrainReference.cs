using OrleansInference.Contracts.Grains;

namespace OrleansInference.Grains.Hosting;

/// <summary>
/// Calls into one grain through the host: activates it on demand, waits for its turn unless the call interleaves,
/// and leaves the turn when the call completes. Hand-written references of grain interfaces wrap one of these and
/// forward each method with a static lambda and its arguments as state, so a call allocates nothing of its own on the
/// fast path (an active activation and, for a turn, no turn running).
/// </summary>
/// <example>
/// <code>
/// public ValueTask&lt;InferenceResult&gt; InferAsync(InferenceRequest request, CancellationToken cancellationToken) =>
///     _reference.InvokeAsync(request, static (grain, r, ct) => grain.InferAsync(r, ct), interleave: true, cancellationToken);
/// </code>
/// </example>
/// <typeparam name="TGrain">The grain class.</typeparam>
public sealed partial class GrainReference<TGrain>
    where TGrain : Grain
{
    private readonly GrainHost _host;
    private readonly GrainClassRegistration _registration;
    private GrainActivation? _activation;

    internal GrainReference(GrainHost host, GrainClassRegistration registration, GrainId grainId)
    {
        _host = host;
        _registration = registration;
        GrainId = grainId;
    }

    /// <summary>The grain's identity.</summary>
    public GrainId GrainId { get; }

    /// <summary>The grain's key.</summary>
    public string Key => GrainId.Key;

    /// <summary>The factory that created this reference.</summary>
    public IGrainFactory GrainFactory => _host;

    /// <inheritdoc />
    public override string ToString() => GrainId.ToString();

    /// <summary>Enters the current activation without waiting, if it is active and free.</summary>
    private bool TryEnterFast(bool interleave, out GrainActivation activation)
    {
        activation = Volatile.Read(ref _activation)!;
        return activation is not null && activation.TryEnter(interleave);
    }

    /// <summary>Finds or creates the activation and waits to enter it; retries when it was deactivating.</summary>
    private async ValueTask<GrainActivation> EnterAsync(bool interleave, CancellationToken cancellationToken)
    {
        while (true)
        {
            var activation = _host.GetOrAddActivation(_registration, GrainId);
            if (await activation.EnterAsync(interleave, cancellationToken))
            {
                Volatile.Write(ref _activation, activation);
                return activation;
            }

            await activation.Deactivated.WaitAsync(cancellationToken);
        }
    }
}
