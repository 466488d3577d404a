namespace OrleansInference.Api.Tests.Fuzz;

/// <summary>A valid request of one endpoint group, the starting point of its mutations.</summary>
/// <param name="Group">The endpoint group, for failure messages.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, relative to the server's address.</param>
/// <param name="Body">The valid JSON body, or null for a request without one.</param>
internal sealed record FuzzSeed(string Group, HttpMethod Method, string Path, string? Body);
