using Microsoft.Extensions.Options;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>Checks what data annotations cannot: time spans, the webhook secret and the callback host patterns.</summary>
internal sealed class BatchJobOptionsValidator : IValidateOptions<BatchJobOptions>
{
    public ValidateOptionsResult Validate(string? name, BatchJobOptions options)
    {
        List<string>? problems = null;
        if (!string.IsNullOrEmpty(options.WebhookSecret) && options.WebhookSecret.Length < 16)
        {
            Add($"BatchJobs:WebhookSecret has {options.WebhookSecret.Length} characters; it needs at least 16 (or none, to disable webhooks).");
        }

        if (options.WebhookInitialBackoff < TimeSpan.FromMilliseconds(1) || options.WebhookInitialBackoff > TimeSpan.FromHours(1))
        {
            Add($"BatchJobs:WebhookInitialBackoff is {options.WebhookInitialBackoff}; it must be from 1 ms to 1 hour.");
        }

        if (options.WebhookTimeout < TimeSpan.FromMilliseconds(100) || options.WebhookTimeout > TimeSpan.FromMinutes(5))
        {
            Add($"BatchJobs:WebhookTimeout is {options.WebhookTimeout}; it must be from 100 ms to 5 minutes.");
        }

        if (options.WebhookMaxBackoff < options.WebhookInitialBackoff || options.WebhookMaxBackoff > TimeSpan.FromHours(1))
        {
            Add($"BatchJobs:WebhookMaxBackoff is {options.WebhookMaxBackoff}; it must be from BatchJobs:WebhookInitialBackoff ({options.WebhookInitialBackoff}) to 1 hour.");
        }

        if (options.WebhookTotalTimeout < options.WebhookTimeout || options.WebhookTotalTimeout > TimeSpan.FromHours(24))
        {
            Add($"BatchJobs:WebhookTotalTimeout is {options.WebhookTotalTimeout}; it must be from BatchJobs:WebhookTimeout ({options.WebhookTimeout}) to 24 hours.");
        }

        if (options.ResumeReminderPeriod < TimeSpan.FromMinutes(1) || options.ResumeReminderPeriod > TimeSpan.FromHours(1))
        {
            Add($"BatchJobs:ResumeReminderPeriod is {options.ResumeReminderPeriod}; it must be from 1 minute to 1 hour.");
        }

        if (options.Retention < TimeSpan.FromSeconds(1) || options.Retention > TimeSpan.FromDays(3650))
        {
            Add($"BatchJobs:Retention is {options.Retention}; it must be from 1 second to 3650 days.");
        }

        if (options.RetentionSweepPeriod < TimeSpan.FromMilliseconds(100) || options.RetentionSweepPeriod > TimeSpan.FromDays(1))
        {
            Add($"BatchJobs:RetentionSweepPeriod is {options.RetentionSweepPeriod}; it must be from 100 ms to 1 day.");
        }

        foreach (var host in options.AllowedCallbackHosts)
        {
            var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (string.IsNullOrWhiteSpace(bare) || Uri.CheckHostName(bare) == UriHostNameType.Unknown)
            {
                Add($"BatchJobs:AllowedCallbackHosts contains '{host}', which is not a host name, an IP address or '*.domain'.");
            }
        }

        // Clients name files under DataRoot and OutputRoot; the job database and parts must be out of their reach.
        foreach (var (key, root) in new[] { ("DataRoot", options.DataRoot), ("OutputRoot", options.OutputRoot) })
        {
            if (PathsOverlap(root, options.StateRoot))
            {
                Add($"BatchJobs:StateRoot ('{options.StateRoot}') must not be, contain or lie inside BatchJobs:{key} ('{root}').");
            }
        }

        return problems is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);

        void Add(string problem) => (problems ??= []).Add(problem);
    }

    private static bool PathsOverlap(string? a, string? b)
    {
        if (string.IsNullOrEmpty(a) || string.IsNullOrEmpty(b))
        {
            return false;
        }

        // Relative roots share the content root, so comparing them resolved against any one folder is enough.
        var x = Path.GetFullPath(a).TrimEnd('/') + "/";
        var y = Path.GetFullPath(b).TrimEnd('/') + "/";
        return x.StartsWith(y, StringComparison.Ordinal) || y.StartsWith(x, StringComparison.Ordinal);
    }
}
