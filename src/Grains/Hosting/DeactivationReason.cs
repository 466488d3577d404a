namespace OrleansInference.Grains.Hosting;

/// <summary>Why an activation is being deactivated, with a description for logs.</summary>
/// <param name="ReasonCode">The kind of reason.</param>
/// <param name="Description">A sentence for logs and diagnostics.</param>
public readonly record struct DeactivationReason(DeactivationReasonCode ReasonCode, string Description)
{
    /// <inheritdoc />
    public override string ToString() => $"{ReasonCode}: {Description}";
}
