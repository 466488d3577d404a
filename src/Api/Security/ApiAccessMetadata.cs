namespace OrleansInference.Api.Security;

/// <summary>Endpoint metadata naming the access an endpoint needs; endpoints without it need <see cref="ApiAccess.Inference"/>.</summary>
public sealed record ApiAccessMetadata(ApiAccess Access);
