using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace OrleansInference.Client.Tests.Infrastructure;

/// <summary>Hosts with the inference client, configured only by what a test passes (no appsettings, no environment).</summary>
internal static class ClientHosts
{
    /// <summary>A host whose <c>InferenceClient</c> section is <paramref name="settings"/> (keys without the section prefix).</summary>
    public static IHost Build(IReadOnlyDictionary<string, string> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(static s => KeyValuePair.Create<string, string?>($"{InferenceClientOptions.SectionName}:{s.Key}", s.Value)));
        builder.Services.AddLogging();
        builder.AddInferenceClient();
        return builder.Build();
    }

    /// <summary>A started host connected to the gateway on 127.0.0.1:<paramref name="gatewayPort"/>.</summary>
    public static async Task<IHost> StartAsync(int gatewayPort)
    {
        var host = Build(new Dictionary<string, string> { ["GatewayPorts:0"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
