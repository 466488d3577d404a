namespace OrleansInference.Api.Security;

/// <summary>What a caller must present to reach an endpoint.</summary>
public enum ApiAccess
{
    /// <summary>Anyone: liveness, readiness, metrics.</summary>
    Anonymous = 0,

    /// <summary>A key with the inference or admin role: predictions, metadata, reads.</summary>
    Inference = 1,

    /// <summary>A key with the admin role: registering, loading, deploying, changing stages.</summary>
    Admin = 2,
}
