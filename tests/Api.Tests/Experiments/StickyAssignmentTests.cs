using System.Globalization;
using System.Net;
using OrleansInference.Api.Tests.Batch;
using OrleansInference.Api.Tests.Infrastructure;
using static OrleansInference.Api.Tests.Experiments.ExperimentHttp;

namespace OrleansInference.Api.Tests.Experiments;

/// <summary>Two independently started API processes assign every user the same variant, and so does a restarted one.</summary>
public sealed class StickyAssignmentTests
{
    private const string Definition = """
        {"id": "sticky", "model": "iris",
         "variants": [{"name": "a", "version": "1", "weight": 50, "baseline": true}, {"name": "b", "version": "1", "weight": 30}, {"name": "c", "version": "1", "weight": 20}]}
        """;

    [Fact]
    public async Task Assignments_AreIdenticalAcrossTwoProcesses_AndAfterARestart()
    {
        var users = Enumerable.Range(0, 600).Select(i => "sticky-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        // One server in this process, the other a separate OS process running the built API.
        await using var first = await ApiServer.StartAsync();
        var root = Directory.CreateTempSubdirectory("oi-sticky-").FullName;
        var settings = ApiProcess.Prepare(root);
        var second = await ApiProcess.StartAsync(root, settings);
        try
        {
            await PostAsync(first.Client, "api/v1/experiments", Definition, HttpStatusCode.Created);
            await PostAsync(second.Client, "api/v1/experiments", Definition, HttpStatusCode.Created);

            var expected = await AssignAllAsync(first.Client, users);
            Assert.Equal(expected, await AssignAllAsync(second.Client, users));
            foreach (var share in expected.GroupBy(v => v))
            {
                Assert.InRange(share.Count(), 40, 380);
            }

            for (var i = 0; i < 20; i++)
            {
                var body = $$"""{"model": "iris", "user_id": "{{users[i]}}", "features": [5.1, 3.5, 1.4, 0.2]}""";
                var a = await PostAsync(first.Client, "api/v1/predict", body);
                var b = await PostAsync(second.Client, "api/v1/predict", body);
                Assert.Equal(expected[i], (string?)a["variant"]);
                Assert.Equal(expected[i], (string?)b["variant"]);
            }

            await second.DisposeAsync();
            second = await ApiProcess.StartAsync(root, settings);
            var restarted = await GetAsync(second.Client, "api/v1/experiments/sticky");
            Assert.Equal("running", (string?)restarted["state"]);
            Assert.Equal(expected, await AssignAllAsync(second.Client, users));
        }
        finally
        {
            await second.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<List<string>> AssignAllAsync(HttpClient client, string[] users)
    {
        var variants = new List<string>(users.Length);
        foreach (var user in users)
        {
            variants.Add((string)(await GetAsync(client, $"api/v1/experiments/sticky/assignments/{user}"))["variant"]!);
        }

        return variants;
    }
}
