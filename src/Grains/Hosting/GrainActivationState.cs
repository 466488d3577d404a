namespace OrleansInference.Grains.Hosting;

/// <summary>The lifecycle stage of one activation.</summary>
public enum GrainActivationState
{
    /// <summary>Created; <see cref="Grain.OnActivateAsync"/> is running and calls wait for it.</summary>
    Activating = 0,

    /// <summary>Serving calls.</summary>
    Active = 1,

    /// <summary>Finishing in-flight calls, then running <see cref="Grain.OnDeactivateAsync"/>; new calls wait for a fresh activation.</summary>
    Deactivating = 2,

    /// <summary>Gone from the host.</summary>
    Deactivated = 3,
}
