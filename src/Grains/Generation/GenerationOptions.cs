using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Grains.Generation;

/// <summary>
/// Limits of the continuous batcher of every generative version on a silo (configuration section
/// <c>Generation</c>), validated at start-up.
/// </summary>
public sealed class GenerationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Generation";

    /// <summary>Sequences one version advances together (one key/value cache slot each). 1–1024; default 32.</summary>
    [Range(1, 1024)]
    public int MaxActiveSequences { get; set; } = 32;

    /// <summary>Requests waiting for a slot; beyond it a request is refused with 429 and Retry-After. 0–100,000; default 64.</summary>
    [Range(0, 100_000)]
    public int MaxQueuedRequests { get; set; } = 64;

    /// <summary>
    /// Prompt tokens one sequence feeds in one step; a longer prompt joins over several steps, so one long prompt does
    /// not stall the sequences already generating. 1–4096; default 64.
    /// </summary>
    [Range(1, 4096)]
    public int MaxPromptTokensPerStep { get; set; } = 64;

    /// <summary>Most tokens one request may ask for. 1–65,536; default 512 (the model's context may allow fewer).</summary>
    [Range(1, 65_536)]
    public int MaxTokensLimit { get; set; } = 512;

    /// <summary>Retry-After sent with a refusal when the queue is full, in seconds. 1–3,600; default 1.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;
}
