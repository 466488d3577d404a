using OrleansInference.Api;

await using var app = await ApiHost.StartAsync(args, CancellationToken.None);
await app.WaitForShutdownAsync();

/// <summary>The API host's entry point.</summary>
public partial class Program;
