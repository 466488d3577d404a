namespace OrleansInference.Grains.Hosting;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReasonCode
{
    /// <summary>The grain called <see cref="Grain.DeactivateOnIdle"/>.</summary>
    ApplicationRequested = 0,

    /// <summary>The activation was idle longer than its collection age limit.</summary>
    ActivationIdle = 1,

    /// <summary>The grain host is stopping.</summary>
    ShuttingDown = 2,
}
