using System.Diagnostics;
using System.Reflection;

namespace OrleansInference.Client.Tests.Infrastructure;

/// <summary>
/// The built client example (<c>OrleansInference.ClientExample.dll</c>, in its own output folder of the configuration
/// these tests were built in) run to completion as a child process.
/// </summary>
internal static class ExampleProcess
{
    /// <summary>The exit code and output of one run.</summary>
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
    }

    /// <summary>Runs the example with <paramref name="arguments"/>; kills it and fails when it runs past <paramref name="timeout"/>.</summary>
    public static async Task<Result> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var dll = ExampleDll();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet {dll}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"The example did not exit within {timeout.TotalSeconds} s. stdout:\n{await stdout}\nstderr:\n{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string ExampleDll()
    {
        var configuration = typeof(ExampleProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var dll = Path.Combine(RepositoryPaths.Root, "examples", "ClientExample", "bin", configuration, "net10.0", "OrleansInference.ClientExample.dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"The client example is not built at {dll}; build tests/Client.Tests (it builds the example) in {configuration}.", dll);
    }
}
