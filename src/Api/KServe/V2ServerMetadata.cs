namespace OrleansInference.Api.KServe;

/// <summary>The v2 <c>$metadata_server_response</c> (<c>GET /v2</c>).</summary>
/// <param name="Name">The server's name.</param>
/// <param name="Version">The server's version.</param>
/// <param name="Extensions">Protocol extensions the server supports, such as <c>binary_tensor_data</c>.</param>
public sealed record V2ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);
