using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Client;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.ClientExample;

/// <summary>
/// Connects to a running grid's gateway (default 127.0.0.1:30000), predicts one breast-cancer row and prints the model,
/// version, label and confidence. Command line: <c>--gateway-port N</c>, or any <c>InferenceClient</c> setting as
/// <c>--InferenceClient:Key=value</c> (for example <c>--InferenceClient:ConnectTimeout=00:00:05</c>).
/// Exit codes: 0 predicted, 1 no gateway answered in time, 2 bad arguments or configuration, 3 the grid refused the prediction.
/// </summary>
public static class Program
{
    private const string GatewayPortArgument = "--gateway-port";

    /// <summary>Runs the example; returns the exit code.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (!TryTakeGatewayPort(args, out var gatewayPort, out var hostArgs, out var argumentError))
        {
            await Console.Error.WriteLineAsync(argumentError);
            return 2;
        }

        // Lowest-precedence defaults: appsettings, environment and command line still override them.
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Critical",
        });
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = hostArgs, Configuration = configuration });
        builder.AddInferenceClient(options =>
        {
            if (gatewayPort is { } port)
            {
                options.Gateways = [];
                options.GatewayPorts = [port];
            }
        });

        using var host = builder.Build();
        var settings = host.Services.GetRequiredService<IOptions<InferenceClientOptions>>();
        string target;
        TimeSpan connectTimeout;
        try
        {
            target = Describe(settings.Value);
            connectTimeout = settings.Value.ConnectTimeout;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("Invalid configuration: " + string.Join(" ", e.Failures));
            return 2;
        }

        Console.WriteLine($"Connecting to the inference grid at {target} (up to {connectTimeout.TotalSeconds:0.#} s)...");
        using (var connecting = new CancellationTokenSource(connectTimeout + TimeSpan.FromSeconds(10)))
        {
            try
            {
                await host.StartAsync(connecting.Token);
            }
            catch (Exception e) when (e is not OptionsValidationException)
            {
                await Console.Error.WriteLineAsync(
                    $"Could not connect to the inference grid at {target} within {connectTimeout.TotalSeconds:0.#} s. "
                    + $"Is the server running (dotnet run --project src/Api -c Release) with its gateway (Orleans:GatewayPort) there? Last error: {e.GetBaseException().Message}");
                return 1;
            }
        }

        var exitCode = await PredictAsync(host.Services.GetRequiredService<InferenceGridClient>());
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.StopAsync(stopping.Token);
        return exitCode;
    }

    private static async Task<int> PredictAsync(InferenceGridClient grid)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await grid.PredictAsync(BreastCancerSample.Model, BreastCancerSample.Row(), cancellationToken: timeout.Token);
        if (result.Status != InferenceStatus.Ok || result.Rows is not [var row, ..])
        {
            await Console.Error.WriteLineAsync($"The grid did not predict: {result.Status}: {result.Error}");
            return 3;
        }

        Console.WriteLine($"Model:      {result.ModelName}");
        Console.WriteLine($"Version:    {result.ModelVersion}");
        Console.WriteLine($"Label:      {row.Label ?? row.Prediction.ToString(CultureInfo.InvariantCulture)}");
        Console.WriteLine($"Confidence: {row.Confidence?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "n/a"}");
        Console.WriteLine($"(data/breast_cancer.csv row 1 was diagnosed {BreastCancerSample.ExpectedLabel})");
        return 0;
    }

    /// <summary>Removes <c>--gateway-port N</c> (or <c>--gateway-port=N</c>) from <paramref name="args"/>.</summary>
    private static bool TryTakeGatewayPort(string[] args, out int? port, out string[] rest, out string error)
    {
        port = null;
        error = "";
        var kept = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            string? value = null;
            if (args[i] == GatewayPortArgument)
            {
                if (i + 1 >= args.Length)
                {
                    rest = [];
                    error = $"{GatewayPortArgument} needs a port number, for example {GatewayPortArgument} 30000.";
                    return false;
                }

                value = args[++i];
            }
            else if (args[i].StartsWith(GatewayPortArgument + "=", StringComparison.Ordinal))
            {
                value = args[i][(GatewayPortArgument.Length + 1)..];
            }
            else
            {
                kept.Add(args[i]);
                continue;
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535)
            {
                rest = [];
                error = $"{GatewayPortArgument} is '{value}'; it must be a port from 1 to 65535.";
                return false;
            }

            port = parsed;
        }

        rest = [.. kept];
        return true;
    }

    private static string Describe(InferenceClientOptions options) =>
        options.Gateways is { Length: > 0 } gateways ? string.Join(", ", gateways)
        : options.GatewayPorts is { Length: > 0 } ports ? string.Join(", ", ports.Select(static p => $"127.0.0.1:{p}"))
        : $"127.0.0.1:{InferenceClientOptions.DefaultGatewayPort}";
}
