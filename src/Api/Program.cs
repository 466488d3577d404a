using OrleansInference.Api;

await using var app = ApiHost.Build(args);
await app.RunAsync();

/// <summary>The API host's entry point.</summary>
public partial class Program;
