using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrleansInference.Contracts.Grains;
using OrleansInference.Grains.Hosting;

namespace OrleansInference.Grains.Tests.Hosting;

/// <summary>A started grain host with the probe grain, a fake clock and shared probe state.</summary>
internal sealed class GrainHostHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ServiceProvider _services;

    private GrainHostHarness(ServiceProvider services)
    {
        _services = services;
        Host = services.GetRequiredService<GrainHost>();
        Factory = services.GetRequiredService<IGrainFactory>();
        State = services.GetRequiredService<ProbeState>();
        Time = (FakeTimeProvider)services.GetRequiredService<TimeProvider>();
    }

    public GrainHost Host { get; }

    public IGrainFactory Factory { get; }

    public ProbeState State { get; }

    public FakeTimeProvider Time { get; }

    public static async Task<GrainHostHarness> StartAsync(Action<GrainCollectionOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        services.AddSingleton<ProbeState>();
        services.AddGrainHost(configure);
        services.AddGrain<IProbeGrain, ProbeGrain>(static reference => new ProbeGrainReference(reference));
        var harness = new GrainHostHarness(services.BuildServiceProvider(validateScopes: true));
        await harness.Host.StartAsync(CancellationToken.None);
        return harness;
    }

    public IProbeGrain Probe(string key = "probe") => Factory.GetGrain<IProbeGrain>(key);

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
    }
}
