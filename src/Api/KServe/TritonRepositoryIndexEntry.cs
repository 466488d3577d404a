namespace OrleansInference.Api.KServe;

/// <summary>One entry of Triton's model repository index (<c>POST /v2/repository/index</c>).</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The model version; omitted for a model that has none loaded.</param>
/// <param name="State">The version's state, for example <c>READY</c>, <c>UNAVAILABLE</c> or <c>LOADING</c>.</param>
/// <param name="Reason">Why the version is in that state, when it is not ready.</param>
public sealed record TritonRepositoryIndexEntry(string Name, string? Version = null, string? State = null, string? Reason = null);
