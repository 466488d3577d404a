using OrleansInference.Api;
using OrleansInference.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddInferenceSilo(builder.Configuration);
builder.Services.AddInferenceApi(builder.Configuration);

var app = builder.Build();
app.MapInferenceApi();
await app.RunAsync();

/// <summary>The API host's entry point, visible to tests that start it in-process.</summary>
public partial class Program;
