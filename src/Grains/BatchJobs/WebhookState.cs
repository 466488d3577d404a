namespace OrleansInference.Grains.BatchJobs;

/// <summary>Delivery of a job's completion webhook.</summary>
public enum WebhookState
{
    /// <summary>The job has no callback URL.</summary>
    None,

    /// <summary>Not delivered yet; retried after a restart.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed.</summary>
    Failed,
}
