using System.Diagnostics;
using System.Text.Json;
using OrleansInference.Api.Tests.Infrastructure;
using static OrleansInference.Api.Tests.Generation.GenerationHttp;

namespace OrleansInference.Api.Tests.Generation;

/// <summary>
/// The official <c>openai</c> npm package (pinned in <c>Generation/openai-client/package-lock.json</c>), run by node
/// against the server's <c>/v1</c> endpoints: its parsers read the answers and the streamed chunks strictly.
/// </summary>
public sealed class OpenAiClientTests(GenerationServerFixture fixture) : IClassFixture<GenerationServerFixture>
{
    private static readonly string ClientFolder = Path.Combine(RepositoryPaths.Root, "tests", "Api.Tests", "Generation", "openai-client");

    [Fact]
    public async Task OfficialOpenAiClient_ListsModels_Completes_StreamsChat_Embeds_AndSeesErrors()
    {
        await EnsurePackagesAsync();
        var (exit, output, errors) = await RunAsync("node", ["client.mjs", new Uri(fixture.Server.Address, "v1").ToString(), Model, EmbedModel]);
        Assert.True(exit == 0, $"node client.mjs failed ({exit}): {errors}");
        var result = JsonDocument.Parse(output).RootElement;

        var models = result.GetProperty("models").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains(Model, models);
        Assert.Contains(EmbedModel, models);

        var completion = result.GetProperty("completion");
        Assert.Equal(40, completion.GetProperty("text").GetString()!.Length);
        Assert.Equal("length", completion.GetProperty("finish").GetString());
        Assert.Equal(40, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        // Greedy: the streamed text is the same as the one-answer text, one chunk per token plus the final one.
        var streamed = result.GetProperty("completionStream");
        Assert.Equal(completion.GetProperty("text").GetString(), streamed.GetProperty("text").GetString());
        Assert.Equal(41, streamed.GetProperty("chunks").GetInt32());
        Assert.Equal("length", streamed.GetProperty("finish").GetString());

        var chat = result.GetProperty("chatStream");
        Assert.Equal("assistant", chat.GetProperty("role").GetString());
        Assert.Equal(30, chat.GetProperty("content").GetString()!.Length);
        Assert.Equal("length", chat.GetProperty("finish").GetString());
        Assert.Equal(30, chat.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var embeddings = result.GetProperty("embeddings").EnumerateArray().ToList();
        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(128, e.GetProperty("length").GetInt32()));
        Assert.All(embeddings, e => Assert.InRange(e.GetProperty("norm").GetDouble(), 0.999, 1.001));

        var missing = result.GetProperty("missing");
        Assert.Equal(404, missing.GetProperty("status").GetInt32());
        Assert.Contains("no-such-model", missing.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>Installs the pinned packages from the npm registry when the folder has none yet (CI does this first).</summary>
    private static async Task EnsurePackagesAsync()
    {
        if (Directory.Exists(Path.Combine(ClientFolder, "node_modules", "openai")))
        {
            return;
        }

        var (exit, _, errors) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"]);
        Assert.True(exit == 0, $"npm ci in {ClientFolder} failed ({exit}): {errors}");
    }

    private static async Task<(int Exit, string Output, string Errors)> RunAsync(string command, string[] arguments)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = ClientFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }
}
