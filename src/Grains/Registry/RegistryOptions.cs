using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Grains.Registry;

/// <summary>Registry storage. Bound from the <c>Registry</c> configuration section.</summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Registry";

    /// <summary>
    /// SQLite database file for the embedded default. Relative paths resolve against the content root; the folder is
    /// created. Use <c>:memory:</c> for a registry that lives only as long as the process. Default <c>var/registry.db</c>.
    /// </summary>
    [Required]
    public string SqlitePath { get; set; } = "var/registry.db";
}
