using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansInference.Grains.Hosting;

namespace OrleansInference.Grains.Tests.Hosting;

public sealed class GrainHostTests
{
    private static readonly TimeSpan Timeout = GrainHostHarness.Timeout;

    [Fact]
    public async Task Grain_activates_on_first_call_and_concurrent_first_calls_share_one_activation()
    {
        await using var harness = await GrainHostHarness.StartAsync();
        var activating = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.State.OnActivate = async (_, _) =>
        {
            activating.TrySetResult();
            await release.Task;
        };

        Assert.Equal(0, harness.Host.GetActivationCount());
        var calls = Enumerable.Range(0, 20).Select(_ => harness.Probe().PingAsync(CancellationToken.None)).ToArray();
        await activating.Task.WaitAsync(Timeout);
        Assert.All(calls, c => Assert.False(c.IsCompleted, "A call completed before OnActivateAsync finished."));

        release.SetResult();
        var instances = await Task.WhenAll(calls).WaitAsync(Timeout);

        Assert.All(instances, i => Assert.Equal(1, i));
        Assert.Equal(1, harness.State.Instances);
        var activation = Assert.Single(harness.Host.GetActivations());
        Assert.Equal("probe/probe", activation.GrainId.ToString());
        Assert.Equal(GrainActivationState.Active, activation.State);
    }

    [Fact]
    public async Task Non_interleaved_calls_run_one_at_a_time_in_arrival_order()
    {
        await using var harness = await GrainHostHarness.StartAsync();
        var grain = harness.Probe();
        await grain.PingAsync(CancellationToken.None);
        var order = new List<int>();
        var calls = Enumerable.Range(0, 10).Select(i => grain.RunTurnAsync(
            async () =>
            {
                lock (order)
                {
                    order.Add(i);
                }

                await Task.Yield();
                await Task.Yield();
            },
            CancellationToken.None)).ToArray();

        await Task.WhenAll(calls).WaitAsync(Timeout);

        Assert.Equal(1, harness.State.MaxConcurrent);
        Assert.Equal(Enumerable.Range(0, 10), order);
    }

    [Fact]
    public async Task Turns_stay_exclusive_when_called_from_many_threads()
    {
        await using var harness = await GrainHostHarness.StartAsync();
        var grain = harness.Probe();

        var calls = Enumerable.Range(0, 200).Select(_ => Task.Run(() => grain.RunTurnAsync(async () => await Task.Yield(), CancellationToken.None))).ToArray();
        await Task.WhenAll(calls).WaitAsync(Timeout);

        Assert.Equal(1, harness.State.MaxConcurrent);
        Assert.Equal(1, harness.State.Instances);
    }

    [Fact]
    public async Task Interleaved_calls_overlap_each_other_and_a_running_turn()
    {
        await using var harness = await GrainHostHarness.StartAsync();
        var grain = harness.Probe();
        var turnEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var turn = grain.RunTurnAsync(
            async () =>
            {
                turnEntered.TrySetResult();
                await release.Task;
            },
            CancellationToken.None);
        await turnEntered.Task.WaitAsync(Timeout);

        var entered = 0;
        var allEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var interleaved = Enumerable.Range(0, 3).Select(_ => grain.RunInterleavedAsync(
            async () =>
            {
                if (Interlocked.Increment(ref entered) == 3)
                {
                    allEntered.TrySetResult();
                }

                await release.Task;
            },
            CancellationToken.None)).ToArray();

        await allEntered.Task.WaitAsync(Timeout);
        Assert.Equal(4, harness.State.MaxConcurrent);
        Assert.False(turn.IsCompleted);

        release.SetResult();
        await Task.WhenAll([turn, .. interleaved]).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Idle_activation_is_deactivated_by_the_collector_and_the_next_call_reactivates()
    {
        await using var harness = await GrainHostHarness.StartAsync(o => o.DefaultIdleTimeout = TimeSpan.FromMinutes(15));
        var grain = harness.Probe();
        Assert.Equal(1, await grain.PingAsync(CancellationToken.None));

        harness.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(harness.State.Deactivations);
        Assert.Equal(GrainActivationState.Active, Assert.Single(harness.Host.GetActivations()).State);

        harness.Time.Advance(TimeSpan.FromMinutes(6));
        var reason = await harness.State.FirstDeactivation.Task.WaitAsync(Timeout);

        Assert.Equal(DeactivationReasonCode.ActivationIdle, reason.ReasonCode);
        Assert.Equal(2, await grain.PingAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(2, harness.State.Instances);
    }

    [Fact]
    public async Task Activation_that_refuses_collection_survives_idleness_until_it_allows_it()
    {
        await using var harness = await GrainHostHarness.StartAsync(o => o.DefaultIdleTimeout = TimeSpan.FromMinutes(15));
        harness.State.Pinned = true;
        var grain = harness.Probe();
        Assert.Equal(1, await grain.PingAsync(CancellationToken.None));

        harness.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await grain.PingAsync(CancellationToken.None));
        harness.Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Empty(harness.State.Deactivations);

        harness.State.Pinned = false;
        harness.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(DeactivationReasonCode.ActivationIdle, (await harness.State.FirstDeactivation.Task.WaitAsync(Timeout)).ReasonCode);
    }

    [Fact]
    public async Task Collection_age_limit_can_be_set_per_grain_class_in_options()
    {
        await using var harness = await GrainHostHarness.StartAsync(o => o.ClassSpecificCollectionAge[typeof(ProbeGrain).FullName!] = TimeSpan.FromMinutes(2));
        await harness.Probe().PingAsync(CancellationToken.None);

        harness.Time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(DeactivationReasonCode.ActivationIdle, (await harness.State.FirstDeactivation.Task.WaitAsync(Timeout)).ReasonCode);
    }

    [Fact]
    public async Task Activation_with_a_call_in_flight_is_not_collected()
    {
        await using var harness = await GrainHostHarness.StartAsync();
        var grain = harness.Probe();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = grain.RunInterleavedAsync(
            async () =>
            {
                entered.TrySetResult();
                await release.Task;
            },
            CancellationToken.None);
        await entered.Task.WaitAsync(Timeout);

        harness.Time.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(GrainActivationState.Active, Assert.Single(harness.Host.GetActivations()).State);
        Assert.Empty(harness.State.Deactivations);

        release.SetResult();
        await call.WaitAsync(Timeout);
        harness.Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(DeactivationReasonCode.ActivationIdle, (await harness.State.FirstDeactivation.Task.WaitAsync(Timeout)).ReasonCode);
    }

    [Fact]
    public async Task Failed_activation_fails_every_waiting_call_and_the_next_call_retries()
    {
        await using var harness = await GrainHostHarness.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.State.OnActivate = async (instance, _) =>
        {
            if (instance == 1)
            {
                await release.Task;
                throw new InvalidOperationException("Activation 1 failed on purpose.");
            }
        };

        var calls = Enumerable.Range(0, 5).Select(_ => harness.Probe().PingAsync(CancellationToken.None)).ToArray();
        release.SetResult();
        foreach (var call in calls)
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => call.WaitAsync(Timeout));
            Assert.Equal("Activation 1 failed on purpose.", ex.Message);
        }

        Assert.Equal(2, await harness.Probe().PingAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(1, harness.Host.GetActivationCount());
    }

    [Fact]
    public async Task DeactivateOnIdle_deactivates_after_the_turn_and_a_call_during_deactivation_gets_a_fresh_activation()
    {
        await using var harness = await GrainHostHarness.StartAsync();
        var deactivating = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.State.OnDeactivate = async _ =>
        {
            deactivating.TrySetResult();
            await finish.Task;
        };
        var grain = harness.Probe();

        await grain.DeactivateOnIdleAsync(CancellationToken.None).WaitAsync(Timeout);
        await deactivating.Task.WaitAsync(Timeout);
        var during = grain.PingAsync(CancellationToken.None);
        Assert.False(during.IsCompleted, "A call ran on an activation that was deactivating.");

        finish.SetResult();
        Assert.Equal(2, await during.WaitAsync(Timeout));
        Assert.Equal(DeactivationReasonCode.ApplicationRequested, Assert.Single(harness.State.Deactivations).Reason.ReasonCode);
    }

    [Fact]
    public async Task StopAsync_deactivates_every_activation_and_rejects_later_calls()
    {
        var harness = await GrainHostHarness.StartAsync();
        await using (harness)
        {
            foreach (var key in new[] { "a", "b", "c" })
            {
                await harness.Probe(key).PingAsync(CancellationToken.None);
            }

            Assert.Equal(3, harness.Host.GetActivationCount());
            await harness.Host.StopAsync(CancellationToken.None).WaitAsync(Timeout);

            Assert.Equal(3, harness.State.Deactivations.Count);
            Assert.All(harness.State.Deactivations, d => Assert.Equal(DeactivationReasonCode.ShuttingDown, d.Reason.ReasonCode));
            Assert.Equal(0, harness.Host.GetActivationCount());
            await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Probe("d").PingAsync(CancellationToken.None));
        }
    }

    [Fact]
    public async Task StopAsync_returns_when_its_token_fires_even_if_a_grain_does_not_finish()
    {
        await using var harness = await GrainHostHarness.StartAsync();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.State.OnDeactivate = _ => hold.Task;
        await harness.Probe().PingAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();

        var stopping = harness.Host.StopAsync(stop.Token);
        Assert.False(stopping.IsCompleted);
        await stop.CancelAsync();

        await stopping.WaitAsync(Timeout);
        hold.SetResult();
    }

    [Fact]
    public async Task Timer_ticks_run_as_turns_and_wait_for_a_running_call()
    {
        await using var harness = await GrainHostHarness.StartAsync();
        var grain = harness.Probe();
        var ticked = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.State.OnTimerTick = tick =>
        {
            ticked.TrySetResult(tick);
            return Task.CompletedTask;
        };
        await grain.StartTimerAsync(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), CancellationToken.None);

        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var turn = grain.RunTurnAsync(
            async () =>
            {
                entered.TrySetResult();
                await release.Task;
            },
            CancellationToken.None);
        await entered.Task.WaitAsync(Timeout);

        harness.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, Volatile.Read(ref harness.State.TimerTicks));

        release.SetResult();
        await turn.WaitAsync(Timeout);
        Assert.Equal(1, await ticked.Task.WaitAsync(Timeout));
        Assert.Equal(1, harness.State.MaxConcurrent);
    }

    [Fact]
    public void Invalid_collection_options_stop_start_up_with_the_key()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGrainHost(o => o.CollectionQuantum = TimeSpan.Zero);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<GrainHost>());
        Assert.Contains("Grains:Collection:CollectionQuantum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task References_are_cached_per_key()
    {
        await using var harness = await GrainHostHarness.StartAsync();

        Assert.Same(harness.Probe("x"), harness.Probe("x"));
        Assert.NotSame(harness.Probe("x"), harness.Probe("y"));
    }
}
