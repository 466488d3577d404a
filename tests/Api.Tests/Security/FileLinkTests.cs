using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Batch;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Security;

/// <summary>
/// Register-by-path and batch inputs read only files inside their configured folders: symbolic links leading outside
/// and hard links are refused before anything is read, parser errors never quote the file, and a refused submission
/// leaves nothing behind.
/// </summary>
public sealed class FileLinkTests : IAsyncLifetime
{
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "oi-outside-" + Guid.NewGuid().ToString("N"));
    private readonly string _batchRoot = Path.Combine(Path.GetTempPath(), "oi-batch-links-" + Guid.NewGuid().ToString("N"));
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_outside);
        Directory.CreateDirectory(Path.Combine(_batchRoot, "data"));
        _server = await ApiServer.StartAsync(settings: BatchServerFixture.Settings(_batchRoot));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        foreach (var folder in new[] { _outside, _batchRoot })
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task RegisterByPath_RefusesLinksLeadingOutsideAndHardLinks()
    {
        var source = Path.Combine(_server.ModelRoot, "breast-cancer", "1");
        var outsideVersion = Path.Combine(_outside, "version");
        Directory.CreateDirectory(outsideVersion);
        foreach (var file in new[] { "config.json", "model.onnx" })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(outsideVersion, file));
        }

        // A folder that is a symbolic link to a folder outside the repository.
        Directory.CreateSymbolicLink(Path.Combine(_server.ModelRoot, "breast-cancer", "7"), outsideVersion);

        // A real folder whose model is a symbolic link to a file outside.
        var linkedFile = Path.Combine(_server.ModelRoot, "breast-cancer", "8");
        Directory.CreateDirectory(linkedFile);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(linkedFile, "config.json"));
        File.CreateSymbolicLink(Path.Combine(linkedFile, "model.onnx"), Path.Combine(outsideVersion, "model.onnx"));

        // A real folder whose model is a hard link to a file outside (same file system: no path check can see it).
        var hardLinked = Path.Combine(_server.ModelRoot, "breast-cancer", "9");
        Directory.CreateDirectory(hardLinked);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(hardLinked, "config.json"));
        HardLink(Path.Combine(outsideVersion, "model.onnx"), Path.Combine(hardLinked, "model.onnx"));

        foreach (var (version, mentioned) in new[] { ("7", "symbolic link"), ("8", "symbolic link"), ("9", "hard link") })
        {
            using var response = await _server.Client.PostAsJsonAsync("api/v1/models/breast-cancer/versions", new { path = $"breast-cancer/{version}" });
            var detail = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"];
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"version {version}: {(int)response.StatusCode} {detail}");
            Assert.Contains(mentioned, detail, StringComparison.Ordinal);
        }

        var versions = await _server.Client.GetStringAsync("api/v1/models/breast-cancer");
        Assert.DoesNotContain("\"7\"", versions, StringComparison.Ordinal);
        Assert.DoesNotContain("\"9\"", versions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterByPath_ConfigThatIsNotJson_IsRefusedWithoutQuotingTheFile()
    {
        var folder = Path.Combine(_server.ModelRoot, "breast-cancer", "6");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(_server.ModelRoot, "breast-cancer", "1", "model.onnx"), Path.Combine(folder, "model.onnx"));
        await File.WriteAllTextAsync(Path.Combine(folder, "config.json"), "root:x:0:0:root:/root:/bin/bash\n");

        using var response = await _server.Client.PostAsJsonAsync("api/v1/models/breast-cancer/versions", new { path = "breast-cancer/6" });
        var detail = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"];

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a valid model config", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("'r'", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchInput_RefusesSymbolicAndHardLinksToFilesOutsideTheDataRoot_AndLeavesNothing()
    {
        var secret = Path.Combine(_outside, "secret.csv");
        await BatchTestData.WriteCsvAsync(secret, 3);
        var data = Path.Combine(_batchRoot, "data");
        File.CreateSymbolicLink(Path.Combine(data, "linked.csv"), secret);
        HardLink(secret, Path.Combine(data, "hard.csv"));

        foreach (var (input, mentioned) in new[] { ("linked.csv", "outside"), ("hard.csv", "hard link") })
        {
            var (response, json) = await BatchJobClient.SubmitAsync(_server.Client, new JsonObject { ["model"] = "breast-cancer", ["input_uri"] = input, ["output_uri"] = input + ".out.csv" });
            using (response)
            {
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{input}: {(int)response.StatusCode} {json.ToJsonString()}");
                Assert.Contains(mentioned, (string?)json["detail"], StringComparison.Ordinal);
            }
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(_batchRoot, "output"), "*", SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(_batchRoot, "state", "jobs")) && Directory.EnumerateFileSystemEntries(Path.Combine(_batchRoot, "state", "jobs")).Any());
    }

    private static void HardLink(string existing, string link)
    {
        using var ln = Process.Start(new ProcessStartInfo("ln", [existing, link]) { UseShellExecute = false })!;
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
    }
}
