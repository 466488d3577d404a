using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Grains.Models;

/// <summary>Version-switch behaviour. Bound from the <c>Models</c> configuration section.</summary>
public sealed class ModelGrainOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Models";

    /// <summary>
    /// How long a version that stopped serving after a deployment keeps its sessions before it drains and unloads,
    /// so requests routed just before the switch still find it warm. Range 0 – 1 h. Default 5 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DrainGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether requests on this silo's process reach a model router or a loaded version that this silo owns directly
    /// (what the grain activation published) rather than as a grain message. False sends every inference call as a
    /// grain call, as a pure cluster client does: for measuring the cost of the hop. Default true.
    /// </summary>
    public bool LocalShortcuts { get; set; } = true;
}
