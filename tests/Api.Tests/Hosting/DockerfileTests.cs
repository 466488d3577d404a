using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Hosting;

/// <summary>
/// The container images run as a non-root user, and every folder the server writes (each path setting of
/// appsettings.json) is set to an absolute path in the image, created there and owned by that user.
/// </summary>
public sealed partial class DockerfileTests
{
    [Theory]
    [InlineData("deploy/docker/Dockerfile")]
    [InlineData("deploy/docker/Dockerfile.gpu")]
    [InlineData("deploy/docker/Dockerfile.silo")]
    public void Image_RunsAsNonRoot_WithEveryWritablePathCreatedAndOwned(string dockerfile)
    {
        var stage = FinalStage(File.ReadAllText(Path.Combine(RepositoryPaths.Root, dockerfile)));

        var user = stage.LastOrDefault(i => i.Keyword == "USER").Arguments;
        Assert.False(string.IsNullOrWhiteSpace(user), $"{dockerfile}: the final stage sets no USER, so the server runs as root.");
        var userName = user!.Split(':')[0];
        Assert.DoesNotContain(userName, new[] { "root", "0" });

        var environment = stage.Where(i => i.Keyword == "ENV")
            .SelectMany(i => EnvPair().Matches(i.Arguments).Select(m => (Key: m.Groups[1].Value, Value: m.Groups[2].Value)))
            .ToDictionary(p => p.Key, p => p.Value);
        var runs = stage.Where(i => i.Keyword == "RUN").Select(i => i.Arguments).ToList();
        var copies = stage.Where(i => i.Keyword == "COPY" && i.Arguments.Contains($"--chown={userName}", StringComparison.Ordinal))
            .Select(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1].TrimEnd('/'))
            .ToList();

        foreach (var (key, _) in WritablePathSettings())
        {
            var variable = key.Replace(":", "__", StringComparison.Ordinal);
            Assert.True(environment.TryGetValue(variable, out var value), $"{dockerfile}: {key} is not set (ENV {variable}); its default is relative to /app, which the user cannot write.");
            Assert.StartsWith("/", value, StringComparison.Ordinal);
            var folder = Path.HasExtension(value) ? Path.GetDirectoryName(value)! : value;

            var created = copies.Any(c => IsUnder(folder, c)) || runs.Any(r => MkdirTargets(r).Any(t => IsUnder(t, folder)));
            Assert.True(created, $"{dockerfile}: {folder} ({key}) is not created in the image.");

            var owned = copies.Any(c => IsUnder(folder, c)) || runs.Any(r => ChownRecursive(r, userName).Any(t => IsUnder(folder, t)));
            Assert.True(owned, $"{dockerfile}: {folder} ({key}) is not owned by '{userName}'.");
        }
    }

    // Every setting of appsettings.json naming a file or folder the server writes.
    private static IEnumerable<(string Key, string Value)> WritablePathSettings()
    {
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Api", "appsettings.json")))!.AsObject();
        var found = new List<(string, string)>();
        foreach (var (section, node) in settings)
        {
            if (node is not JsonObject values)
            {
                continue;
            }

            foreach (var (name, value) in values)
            {
                if ((name.EndsWith("Path", StringComparison.Ordinal) || name.EndsWith("Root", StringComparison.Ordinal)) && value is JsonValue)
                {
                    found.Add(($"{section}:{name}", (string)value!));
                }
            }
        }

        Assert.True(found.Count >= 5, "appsettings.json should name the model root, the registry and the batch folders.");
        return found;
    }

    private static List<(string Keyword, string Arguments)> FinalStage(string text)
    {
        var joined = Regex.Replace(text, @"\\\r?\n", " ");
        var instructions = joined.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (Keyword: l.Split(' ', 2)[0].ToUpperInvariant(), Arguments: l.Contains(' ', StringComparison.Ordinal) ? l.Split(' ', 2)[1].Trim() : string.Empty))
            .ToList();
        var from = instructions.FindLastIndex(i => i.Keyword == "FROM");
        Assert.True(from >= 0, "no FROM");
        return instructions[(from + 1)..];
    }

    private static IEnumerable<string> MkdirTargets(string run) =>
        run.Split("&&").Select(c => c.Trim()).Where(c => c.StartsWith("mkdir ", StringComparison.Ordinal))
            .SelectMany(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(a => !a.StartsWith('-')));

    private static IEnumerable<string> ChownRecursive(string run, string user) =>
        run.Split("&&").Select(c => c.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(a => a.Length > 3 && a[0] == "chown" && a.Contains("-R") && a.Any(x => x == user || x.StartsWith(user + ":", StringComparison.Ordinal)))
            .SelectMany(a => a.Skip(1).Where(x => x.StartsWith('/')));

    private static bool IsUnder(string path, string folder) =>
        path == folder || path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")]
    private static partial Regex EnvPair();
}
