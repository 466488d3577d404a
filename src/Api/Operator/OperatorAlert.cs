namespace OrleansInference.Api.Operator;

/// <summary>A condition an operator should look at.</summary>
/// <param name="Severity"><c>critical</c> (serving is affected) or <c>warning</c>.</param>
/// <param name="Subject">What it concerns: <c>model iris/2</c>, <c>experiment exp-1</c>, <c>batch job 3f…</c>.</param>
/// <param name="Message">What happened, in a sentence.</param>
internal sealed record OperatorAlert(string Severity, string Subject, string Message)
{
    public const string Critical = "critical";

    public const string Warning = "warning";
}
