namespace OrleansInference.Grains.Hosting;

/// <summary>
/// Sets how long an activation of the grain class may stay idle before the host deactivates it, overriding
/// <see cref="GrainCollectionOptions.DefaultIdleTimeout"/>. <see cref="GrainCollectionOptions.ClassSpecificCollectionAge"/>
/// overrides this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class CollectionAgeLimitAttribute : Attribute
{
    /// <summary>Sets the idle age limit.</summary>
    /// <param name="minutes">Idle minutes before collection; greater than zero.</param>
    public CollectionAgeLimitAttribute(double minutes)
    {
        if (!(minutes > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(minutes), minutes, "A collection age limit must be greater than zero minutes.");
        }

        Minutes = minutes;
    }

    /// <summary>Idle minutes before the activation is collected.</summary>
    public double Minutes { get; }

    /// <summary>The age limit as a time span.</summary>
    public TimeSpan AgeLimit => TimeSpan.FromMinutes(Minutes);
}
