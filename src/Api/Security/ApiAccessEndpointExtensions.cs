namespace OrleansInference.Api.Security;

/// <summary>Marks endpoints with the access they need.</summary>
public static class ApiAccessEndpointExtensions
{
    /// <summary>Requires <paramref name="access"/> for the endpoints of <paramref name="builder"/>.</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, ApiAccess access)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(new ApiAccessMetadata(access)));
        return builder;
    }
}
