namespace OrleansInference.Contracts.Grains;

/// <summary>Returns references to grains. Getting a reference is cheap and does not activate the grain.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of the given interface and key; the grain activates on its first call.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}
