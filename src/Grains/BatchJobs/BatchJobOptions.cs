using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>Batch inference jobs. Bound from the <c>BatchJobs</c> configuration section and validated at start-up.</summary>
public sealed class BatchJobOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "BatchJobs";

    /// <summary>
    /// The folder input files are read from; <c>input_uri</c> is a path relative to it (or an absolute path inside it).
    /// Paths that resolve outside it are refused. Relative values resolve against the content root. Default <c>var/batch/input</c>.
    /// </summary>
    [Required]
    public string DataRoot { get; set; } = "var/batch/input";

    /// <summary>The folder merged outputs are written under (<c>{job}/output.csv</c> unless <c>output_uri</c> names a path inside it). Default <c>var/batch/output</c>.</summary>
    [Required]
    public string OutputRoot { get; set; } = "var/batch/output";

    /// <summary>The folder of the job database (<c>batch-jobs.db</c>), uploaded inputs and chunk parts. Default <c>var/batch/state</c>.</summary>
    [Required]
    public string StateRoot { get; set; } = "var/batch/state";

    /// <summary>Rows per chunk (the unit of fan-out and checkpointing), 1 to 1,000,000; default 10,000. A job's <c>batch_size</c> overrides it within that range.</summary>
    [Range(1, 1_000_000)]
    public int ChunkRows { get; set; } = 10_000;

    /// <summary>Chunks of one job processed at once, 1 to 64; default 2.</summary>
    [Range(1, 64)]
    public int MaxParallelChunks { get; set; } = 2;

    /// <summary>The error budget: a job fails once rejected rows exceed this fraction of its rows, 0 to 1; default 0.01.</summary>
    [Range(0.0, 1.0)]
    public double MaxErrorsFraction { get; set; } = 0.01;

    /// <summary>Rows an inline <c>inputs</c> array may hold, 1 to 1,000,000; default 100,000. Larger inputs belong in a file.</summary>
    [Range(1, 1_000_000)]
    public int MaxInlineRows { get; set; } = 100_000;

    /// <summary>Host names webhooks may be sent to (exact, or <c>*.example.com</c> for subdomains). Empty (default): any host with a public address.</summary>
    public IList<string> AllowedCallbackHosts { get; } = [];

    /// <summary>Allow webhooks to loopback, link-local and private addresses (tests, single-machine setups). Default false.</summary>
    public bool AllowPrivateCallbackAddresses { get; set; }

    /// <summary>
    /// The HMAC-SHA256 key webhooks are signed with (<c>X-Signature-256: sha256=&lt;hex&gt;</c>), at least 16 characters.
    /// Empty (default): webhooks are disabled and submissions with a <c>callback_url</c> are refused.
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Delivery attempts per webhook (the first and its retries), 1 to 20; default 6.</summary>
    [Range(1, 20)]
    public int WebhookMaxAttempts { get; set; } = 6;

    /// <summary>
    /// The median wait before the first retry, 1 ms to 1 hour; default 1 second. Later waits grow exponentially with
    /// decorrelated jitter (so receivers that failed together are not retried together), capped by
    /// <see cref="WebhookMaxBackoff"/>.
    /// </summary>
    public TimeSpan WebhookInitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts, from <see cref="WebhookInitialBackoff"/> to 1 hour; default 1 minute.</summary>
    public TimeSpan WebhookMaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Timeout of one webhook attempt, 100 ms to 5 minutes; default 10 seconds.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The bound on a whole delivery, attempts and waits together, from <see cref="WebhookTimeout"/> to 24 hours; default
    /// 10 minutes. Past it the webhook is dead-lettered like one whose attempts ran out.
    /// </summary>
    public TimeSpan WebhookTotalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Period of the durable reminder that resumes an unfinished job (or its pending webhook) on whichever silo holds
    /// it after its silo was lost, 1 minute to 1 hour; default 1 minute. The reminder is removed once the job is final
    /// and its webhook settled.
    /// </summary>
    public TimeSpan ResumeReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a final job's files are kept after it finished, 1 second to 3,650 days; default 7 days. Then its
    /// output, its rejected-rows file and its working folder (uploaded input, parts) are deleted and the job is reported
    /// as expired. Input files a client named under <see cref="DataRoot"/> belong to the operator and are kept.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often expired jobs are swept, 100 ms to 1 day; default 10 minutes.</summary>
    public TimeSpan RetentionSweepPeriod { get; set; } = TimeSpan.FromMinutes(10);
}
