namespace OrleansInference.Api.Http;

/// <summary>The configured limits a request body can be held to.</summary>
public enum RequestBodyLimitKind
{
    /// <summary><c>Api:MaxJsonBodyBytes</c>: management, experiments, feedback, Triton repository and every other JSON body.</summary>
    Json = 0,

    /// <summary><c>ModelRepository:MaxUploadBytes</c> plus <see cref="RequestBodyLimitMiddleware.UploadOverheadBytes"/>.</summary>
    Upload = 1,
}
