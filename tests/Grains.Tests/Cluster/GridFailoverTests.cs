using OrleansInference.Contracts.Experiments;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Grains.Tests.Cluster;

/// <summary>
/// The grid on a two-silo Orleans TestingHost cluster: grains reactivate on the surviving silo when the silo that hosts
/// them is killed (no graceful shutdown), and durable state (sticky assignments) comes back unchanged.
/// </summary>
public sealed class GridFailoverTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ModelGrains_ReactivateOnTheSurvivingSilo_WhenTheirSiloIsKilled_AndPredictionsStayTheSame()
    {
        await using var grid = await GridCluster.StartAsync(silos: 2);
        var before = await PredictIrisAsync(grid);
        Assert.Equal(InferenceStatus.Ok, before.Status);
        Assert.Equal("setosa", before.Rows![0].Label);

        // The version's owner activates on the silo the call entered (one per silo that serves it): kill that one.
        var owner = Assert.Single(grid.SilosServing("iris/1"));

        await grid.Cluster.KillSiloAsync(grid.Silo(owner));

        // The client's first calls after the kill may still target the dead silo until membership declares it dead;
        // each attempt fails fast, so retry within a bound.
        var after = await RetryAsync(() => PredictIrisAsync(grid), "predict iris after the silo hosting its grains was killed");
        Assert.Equal(InferenceStatus.Ok, after.Status);
        Assert.Equal(before.Rows![0].Label, after.Rows![0].Label);
        Assert.Equal(before.Rows[0].Confidence, after.Rows[0].Confidence);

        var survivor = Assert.Single(grid.Cluster.Silos).SiloAddress;
        Assert.NotEqual(owner, survivor);
        Assert.Equal([survivor], await grid.SilosHostingAsync("model", "iris"));
        Assert.Equal([survivor], grid.SilosServing("iris/1"));
    }

    [Fact]
    public async Task StickyAssignments_AreUnchanged_AfterTheExperimentsSiloIsKilled()
    {
        await using var grid = await GridCluster.StartAsync(silos: 2);
        var experiment = grid.Client.GetGrain<IExperimentGrain>("failover-ab");
        await experiment.CreateAsync(
            new ExperimentDefinition("failover-ab", "breast-cancer", [new VariantDefinition("control", "1", 50, Baseline: true), new VariantDefinition("mlp", "2", 50)]),
            CancellationToken.None);
        var users = Enumerable.Range(0, 200).Select(i => $"user-{i}").ToArray();
        var assigned = new Dictionary<string, string>();
        foreach (var user in users)
        {
            assigned[user] = (await experiment.AssignAsync(user, CancellationToken.None))!.Variant;
        }

        Assert.True(assigned.Values.Distinct().Count() == 2, "200 users over a 50/50 split should see both variants.");
        var owner = Assert.Single(await grid.SilosHostingAsync("experiment", "failover-ab"));

        await grid.Cluster.KillSiloAsync(grid.Silo(owner));

        var info = await RetryAsync(() => experiment.GetAsync(CancellationToken.None), "read the experiment after its silo was killed");
        Assert.Equal(ExperimentState.Running, info!.State);
        foreach (var user in users)
        {
            var again = await experiment.AssignAsync(user, CancellationToken.None);
            Assert.True(assigned[user] == again!.Variant, $"User '{user}' was assigned '{assigned[user]}' before the kill and '{again.Variant}' after it.");
        }

        var survivor = Assert.Single(grid.Cluster.Silos).SiloAddress;
        Assert.Equal([survivor], await grid.SilosHostingAsync("experiment", "failover-ab"));
    }

    private static async Task<PredictResult> PredictIrisAsync(GridCluster grid)
    {
        var route = await grid.Client.GetGrain<IModelGrain>("iris").ResolveAsync(null, null, CancellationToken.None);
        Assert.True(route.Found, route.Error);
        return await grid.Client.GetGrain<IModelVersionGrain>($"iris/{route.Version}")
            .PredictAsync(new PredictRequest(new float[] { 5.1f, 3.5f, 1.4f, 0.2f }, 1, 4), CancellationToken.None);
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> attempt, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (true)
        {
            try
            {
                return await attempt().WaitAsync(Bound);
            }
            catch (Exception ex) when (ex is Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException
                or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (Exception ex) when (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Could not {what} within {Bound.TotalSeconds} s.", ex);
            }
        }
    }
}
