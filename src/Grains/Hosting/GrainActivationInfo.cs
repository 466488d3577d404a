using OrleansInference.Contracts.Grains;

namespace OrleansInference.Grains.Hosting;

/// <summary>A diagnostic snapshot of one activation.</summary>
/// <param name="GrainId">The grain's identity.</param>
/// <param name="GrainClass">The grain class.</param>
/// <param name="State">Its lifecycle stage.</param>
/// <param name="IdleFor">Time since its last call completed (or since activation).</param>
/// <param name="TurnRunning">True while a non-interleaved turn (a call or a timer tick) runs.</param>
/// <param name="QueuedTurns">Non-interleaved calls waiting for their turn.</param>
/// <param name="InterleavedCalls">Interleaved calls in flight.</param>
public sealed record GrainActivationInfo(
    GrainId GrainId,
    Type GrainClass,
    GrainActivationState State,
    TimeSpan IdleFor,
    bool TurnRunning,
    int QueuedTurns,
    int InterleavedCalls);
