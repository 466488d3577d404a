using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Experiments;

namespace OrleansInference.Grains.Tests.Experiments;

public sealed class ExperimentGrainTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Ramp_StepsOnTheClock_ThenRollsBackAtOnceOnAnErrorBreach()
    {
        await using var harness = await ExperimentHarness.StartAsync();
        try
        {
            var grain = harness.Experiment("canary");
            await grain.CreateAsync(Definition("canary", ("control", "1", 100, true), ("candidate", "2", 0, false)), None);
            var guardrails = new Guardrails(MaxErrorRateIncrease: 0.05, MinSamples: 50);
            var ramping = await grain.StartRampAsync(new RampPlan("candidate", [5, 20, 50, 100], TimeSpan.FromMinutes(1), guardrails), None);
            Assert.Equal(5, ramping.Variants.Single(v => v.Name == "candidate").Weight);

            harness.Time.Advance(TimeSpan.FromSeconds(59));
            await grain.EvaluateAsync(None);
            Assert.Equal(5, (await grain.GetAsync(None))!.Variants.Single(v => v.Name == "candidate").Weight);
            harness.Time.Advance(TimeSpan.FromSeconds(1));
            await grain.EvaluateAsync(None);
            var stepped = (await grain.GetAsync(None))!;
            Assert.Equal(20, stepped.Variants.Single(v => v.Name == "candidate").Weight);
            Assert.Equal(80, stepped.Variants.Single(v => v.Name == "control").Weight);

            for (var i = 0; i < 100; i++)
            {
                await grain.RecordAsync(new VariantOutcome("control", false, 1, ["benign"]), None);
            }

            for (var i = 0; i < 50; i++)
            {
                await grain.RecordAsync(new VariantOutcome("candidate", true, 1, null), None);
            }

            await grain.EvaluateAsync(None);

            var rolledBack = (await grain.GetAsync(None))!;
            Assert.Equal(ExperimentState.RolledBack, rolledBack.State);
            Assert.Equal(100, rolledBack.Variants.Single(v => v.Baseline).Weight);
            var rollback = Assert.Single(await grain.GetEventsAsync(None), e => e.Kind == ExperimentEventKinds.Rollback);
            Assert.Equal(1.0, rollback.Evidence!["candidate_error_rate"]);
            Assert.Equal(0.0, rollback.Evidence["baseline_error_rate"]);
            Assert.Equal(50, rollback.Evidence["candidate_requests"]);
            Assert.Equal(1, (await grain.GetMetricsAsync(None)).Rollbacks);
            for (var i = 0; i < 1000; i++)
            {
                Assert.Equal("control", (await grain.AssignAsync("u" + i.ToString(CultureInfo.InvariantCulture), None))!.Variant);
            }
        }
        finally
        {
            harness.DeleteFolder();
        }
    }

    [Fact]
    public async Task Rollback_RoutesToTheBaselineAtOnce_AndShowsItsStateOnlyWithTheEventThatExplainsIt()
    {
        GatedExperimentStore? store = null;
        await using var harness = await ExperimentHarness.StartAsync(configure: services =>
            services.AddSingleton<IExperimentStore>(sp => store = new GatedExperimentStore(ActivatorUtilities.CreateInstance<SqliteExperimentStore>(sp))));
        try
        {
            var grain = harness.Experiment("gated");
            await grain.CreateAsync(Definition("gated", ("control", "1", 100, true), ("candidate", "2", 0, false)), None);
            await grain.StartRampAsync(new RampPlan("candidate", [50, 100], TimeSpan.FromMinutes(1), new Guardrails(MaxErrorRateIncrease: 0.05, MinSamples: 10)), None);
            // The breach queues the evaluation itself; the rollback's state is saved and its event waits at the gate.
            store!.Hold();
            for (var i = 0; i < 10; i++)
            {
                await grain.RecordAsync(new VariantOutcome("control", false, 1, ["benign"]), None);
                await grain.RecordAsync(new VariantOutcome("candidate", true, 1, null), None);
            }

            await store.AppendWaiting.WaitAsync(TimeSpan.FromSeconds(10));

            // Reads interleave with the rollback: traffic is already on the baseline, but the new state is not shown
            // before the event that explains it.
            for (var i = 0; i < 200; i++)
            {
                Assert.Equal("control", (await grain.AssignAsync("u" + i.ToString(CultureInfo.InvariantCulture), None))!.Variant);
            }

            Assert.Equal(ExperimentState.Ramping, (await grain.GetAsync(None))!.State);
            Assert.DoesNotContain(await grain.GetEventsAsync(None), e => e.Kind == ExperimentEventKinds.Rollback);

            // A change takes its turn after the rollback's.
            store.Release();
            await grain.EvaluateAsync(None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(ExperimentState.RolledBack, (await grain.GetAsync(None))!.State);
            Assert.Single(await grain.GetEventsAsync(None), e => e.Kind == ExperimentEventKinds.Rollback);
        }
        finally
        {
            // A failed assertion must not leave the rollback's turn waiting at the gate while the host stops.
            store?.Release();
            harness.DeleteFolder();
        }
    }

    [Fact]
    public async Task RampTimer_AdvancesStepsWhenTheFakeClockMoves()
    {
        await using var harness = await ExperimentHarness.StartAsync();
        try
        {
            var grain = harness.Experiment("timer");
            await grain.CreateAsync(Definition("timer", ("control", "1", 100, true), ("candidate", "2", 0, false)), None);
            await grain.StartRampAsync(new RampPlan("candidate", [10, 100], TimeSpan.FromMinutes(5), new Guardrails()), None);

            harness.Time.Advance(TimeSpan.FromMinutes(5));
            var stepped = await WaitForAsync(grain, i => i.Ramp!.StepIndex == 1);
            Assert.Equal(100, stepped.Variants.Single(v => v.Name == "candidate").Weight);

            harness.Time.Advance(TimeSpan.FromMinutes(5));
            var completed = await WaitForAsync(grain, i => i.Ramp!.Completed);
            Assert.Equal(ExperimentState.Ramping, completed.State);
            var kinds = (await grain.GetEventsAsync(None)).Select(e => e.Kind).ToArray();
            Assert.Equal([ExperimentEventKinds.Created, ExperimentEventKinds.RampStarted, ExperimentEventKinds.RampStep, ExperimentEventKinds.RampCompleted], kinds);
        }
        finally
        {
            harness.DeleteFolder();
        }
    }

    [Fact]
    public async Task Definition_SurvivesRestart_WithTheSameAssignments()
    {
        var first = await ExperimentHarness.StartAsync();
        var before = new List<string>();
        await using (first)
        {
            var grain = first.Experiment("persist");
            await grain.CreateAsync(Definition("persist", ("a", "1", 30, true), ("b", "2", 70, false)) with { Overrides = new Dictionary<string, string> { ["vip"] = "a" } }, None);
            for (var i = 0; i < 500; i++)
            {
                before.Add((await grain.AssignAsync("u" + i.ToString(CultureInfo.InvariantCulture), None))!.Variant);
            }
        }

        await using var second = await ExperimentHarness.StartAsync(first.Folder);
        try
        {
            var grain = second.Experiment("persist");
            var info = await grain.GetAsync(None);
            Assert.NotNull(info);
            Assert.Equal(ExperimentState.Running, info.State);
            Assert.Equal("a", (await grain.AssignAsync("vip", None))!.Variant);
            for (var i = 0; i < 500; i++)
            {
                Assert.Equal(before[i], (await grain.AssignAsync("u" + i.ToString(CultureInfo.InvariantCulture), None))!.Variant);
            }

            Assert.Contains(await grain.GetEventsAsync(None), e => e.Kind == ExperimentEventKinds.Created);
            var conflict = await Assert.ThrowsAsync<ExperimentException>(() => second.Experiment("other").CreateAsync(Definition("other", ("a", "1", 100, true)), None));
            Assert.Equal(ExperimentErrorKind.Conflict, conflict.Kind);
        }
        finally
        {
            second.DeleteFolder();
        }
    }

    [Fact]
    public async Task Create_RefusesBadInput_NamingTheField()
    {
        await using var harness = await ExperimentHarness.StartAsync();
        try
        {
            var weights = await Assert.ThrowsAsync<ExperimentException>(() =>
                harness.Experiment("bad").CreateAsync(Definition("bad", ("a", "1", 60, true), ("b", "2", 60, false)), None));
            Assert.Equal(ExperimentErrorKind.Invalid, weights.Kind);
            Assert.Contains("'variants[].weight' sums to 120", weights.Message);

            var version = await Assert.ThrowsAsync<ExperimentException>(() =>
                harness.Experiment("bad").CreateAsync(Definition("bad", ("a", "1", 50, true), ("b", "7", 50, false)), None));
            Assert.Equal(ExperimentErrorKind.NotFound, version.Kind);
            Assert.Contains("'variants[1].version'", version.Message);

            var baseline = await Assert.ThrowsAsync<ExperimentException>(() =>
                harness.Experiment("bad").CreateAsync(Definition("bad", ("a", "1", 50, false), ("b", "2", 50, false)), None));
            Assert.Contains("0 baselines", baseline.Message);
        }
        finally
        {
            harness.DeleteFolder();
        }
    }

    [Fact]
    public async Task Feedback_UpdatesPerVariantAccuracy_AndTheReadout()
    {
        await using var harness = await ExperimentHarness.StartAsync();
        try
        {
            var grain = harness.Experiment("fb");
            await grain.CreateAsync(Definition("fb", ("a", "1", 50, true), ("b", "2", 50, false)) with { PlannedSampleSize = 10 }, None);
            for (var i = 0; i < 20; i++)
            {
                await grain.RecordFeedbackAsync(new VariantFeedback("a", i < 10, null), None);
                await grain.RecordFeedbackAsync(new VariantFeedback("b", i < 18, 1.0 + (i % 3)), None);
            }

            var metrics = await grain.GetMetricsAsync(None);

            Assert.Equal(0.5, metrics.Variants.Single(v => v.Name == "a").Accuracy);
            Assert.Equal(0.9, metrics.Variants.Single(v => v.Name == "b").Accuracy);
            Assert.Equal(20, metrics.Variants.Single(v => v.Name == "b").Rewards);
            var accuracy = metrics.Significance.Single(s => s.Metric == "accuracy");
            Assert.True(accuracy.SampleSizeReached);
            Assert.True(accuracy.PValue < 0.05, $"p = {accuracy.PValue}");
        }
        finally
        {
            harness.DeleteFolder();
        }
    }

    private static async Task<ExperimentInfo> WaitForAsync(IExperimentGrain grain, Func<ExperimentInfo, bool> condition)
    {
        // The timer's turn runs on the grain host's scheduler after the fake clock fires it; wait for its effect.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var info = (await grain.GetAsync(None))!;
            if (condition(info))
            {
                return info;
            }

            await Task.Delay(10, timeout.Token);
        }
    }

    private static ExperimentDefinition Definition(string id, params (string Name, string Version, int Weight, bool Baseline)[] variants) =>
        new(id, "breast-cancer", [.. variants.Select(v => new VariantDefinition(v.Name, v.Version, v.Weight, v.Baseline))]);
}
