using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Silo;

/// <summary>
/// The silo's identity and listeners (section <c>Orleans</c>). The embedded default clusters on loopback only; port 0
/// picks a free loopback port at start-up (tests, several processes on one host).
/// </summary>
public sealed class SiloEndpointOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Orleans";

    /// <summary>The cluster's id: silos and clients with the same id form one cluster. Default <c>orleans-inference</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ClusterId { get; set; } = "orleans-inference";

    /// <summary>The service's id: stable across deployments of the same service (grain state is keyed by it). Default <c>orleans-inference</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ServiceId { get; set; } = "orleans-inference";

    /// <summary>
    /// The Redis that holds cluster membership, reminders and the grid's durable state (registry, experiments, batch
    /// jobs): a StackExchange.Redis configuration string such as <c>127.0.0.1:6379</c>. This one setting switches the
    /// silo to cluster mode. Empty (the default): one silo clustered on loopback, state and reminders in SQLite.
    /// </summary>
    public string Redis { get; set; } = string.Empty;

    /// <summary>
    /// The address the silo listens on and advertises to the cluster. Default <c>127.0.0.1</c>; a cluster across hosts
    /// needs the host's address.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Silo-to-silo port; 0 picks a free one. Range 0–65535, default 11111.</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Gateway port for cluster clients; 0 picks a free one. Range 0–65535, default 30000.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Maps the Orleans dashboard's data into the silo (the API serves its page at <c>/dashboard</c>). Default true.</summary>
    public bool Dashboard { get; set; } = true;
}
