using System.Diagnostics;
using System.Threading.Channels;
using OrleansInference.Contracts.Generation;

namespace OrleansInference.Grains.Generation;

/// <summary>
/// One generation request inside the continuous batcher: its prompt, where it stands (tokens in its cache slot,
/// tokens generated), its sampler and stop matcher, and the channel its events go to. Only the engine's step loop
/// changes it, except <see cref="Cancel"/>, which the reader calls when it stops reading.
/// </summary>
internal sealed class GenerationSequence
{
    private int _cancelled;

    public GenerationSequence(int[] prompt, int maxTokens, TokenSampler sampler, StopMatcher stops)
    {
        Prompt = prompt;
        MaxTokens = maxTokens;
        Sampler = sampler;
        Stops = stops;
        Admitted = Stopwatch.GetTimestamp();
    }

    public int[] Prompt { get; }

    public int MaxTokens { get; }

    public TokenSampler Sampler { get; }

    public StopMatcher Stops { get; }

    /// <summary>The stream's events; the engine writes, the caller's enumerator reads.</summary>
    public Channel<GenerationEvent> Events { get; } = Channel.CreateUnbounded<GenerationEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    /// <summary>When the request was admitted (a <see cref="Stopwatch"/> timestamp).</summary>
    public long Admitted { get; }

    /// <summary>When the last token was generated (a <see cref="Stopwatch"/> timestamp); 0 before the first.</summary>
    public long LastTokenAt { get; set; }

    /// <summary>Prompt tokens already fed into the cache.</summary>
    public int PromptFed { get; set; }

    /// <summary>Positions filled in the sequence's cache slot.</summary>
    public int Length { get; set; }

    /// <summary>Tokens generated.</summary>
    public int Generated { get; set; }

    /// <summary>The last generated token, fed at the next step.</summary>
    public int LastToken { get; set; }

    /// <summary>Tokens this step feeds (set while a step is built).</summary>
    public int StepTokens { get; set; }

    /// <summary>True once the sequence finished, failed or was cancelled; it leaves the batch at the next step.</summary>
    public bool Finished { get; set; }

    /// <summary>True once the reader stopped reading.</summary>
    public bool IsCancelled => Volatile.Read(ref _cancelled) != 0;

    /// <summary>Marks the sequence cancelled; returns false when it already was.</summary>
    public bool Cancel() => Interlocked.Exchange(ref _cancelled, 1) == 0;

    /// <summary>Writes the final event and closes the stream.</summary>
    public void Complete(GenerationEvent last)
    {
        Finished = true;
        Events.Writer.TryWrite(last);
        Events.Writer.TryComplete();
    }
}
