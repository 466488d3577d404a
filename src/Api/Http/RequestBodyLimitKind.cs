namespace OrleansInference.Api.Http;

/// <summary>The configured limits a request body can be held to.</summary>
public enum RequestBodyLimitKind
{
    /// <summary><c>Api:MaxJsonBodyBytes</c>: management, experiments, feedback, Triton repository and every other JSON body.</summary>
    Json = 0,

    /// <summary><c>ModelRepository:MaxUploadBytes</c> plus <see cref="RequestBodyLimitMiddleware.UploadOverheadBytes"/>.</summary>
    Upload = 1,

    /// <summary>The endpoint reads its body with <see cref="RequestBodyReader"/>, which sets its own limit as it reads.</summary>
    Own = 2,
}
