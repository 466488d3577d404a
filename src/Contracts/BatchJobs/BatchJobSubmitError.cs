using Orleans;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>Why a submission was refused.</summary>
[GenerateSerializer]
[Alias("oi.BatchJobSubmitError")]
public enum BatchJobSubmitError
{
    /// <summary>Accepted.</summary>
    None,

    /// <summary>The request is malformed or not allowed (bad format, path outside the root, refused callback): 400.</summary>
    InvalidRequest,

    /// <summary>The model or version does not exist: 404.</summary>
    NotFound,

    /// <summary>The request collides with an existing job (idempotency key reused with another body, output already taken): 409.</summary>
    Conflict,
}
