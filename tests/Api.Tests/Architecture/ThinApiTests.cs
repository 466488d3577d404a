using System.Text.RegularExpressions;
using System.Xml.Linq;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Architecture;

/// <summary>
/// The API is thin: its endpoints talk to the grid through grain interfaces (src/Contracts) and the node-side edge
/// (src/Grid), never through silo internals. Only the composition root may name the silo, to co-host one.
/// </summary>
public sealed partial class ThinApiTests
{
    private static readonly string ApiFolder = Path.Combine(RepositoryPaths.Root, "src", "Api");

    [Fact]
    public void ApiSources_NameNoGrainOrSiloNamespace_ExceptTheCompositionRoot()
    {
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(ApiFolder, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(ApiFolder, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match match in SiloInternals().Matches(File.ReadAllText(file)))
            {
                if (!(relative == "ApiHost.cs" && match.Value == "OrleansInference.Silo"))
                {
                    offenders.Add($"{relative}: {match.Value}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "The API names silo internals:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void ApiProject_DoesNotReferenceTheGrainsProject()
    {
        var project = XDocument.Load(Path.Combine(ApiFolder, "Api.csproj"));
        var references = project.Descendants("ProjectReference").Select(r => (string?)r.Attribute("Include") ?? string.Empty).ToList();
        Assert.DoesNotContain(references, r => r.Contains("Grains", StringComparison.Ordinal));
        Assert.Contains(references, r => r.Contains("Contracts", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"OrleansInference\.(Grains|Silo)\b")]
    private static partial Regex SiloInternals();
}
