extension PromptTemplate {
    /// The user message of an analysis: which analysis, the machine, the computed statistics
    /// (JSON) and the recent events. Goes with ``analystSystem``.
    static let analysisRequest = PromptTemplate(
        id: "analysis-request", version: "1",
        french: """
            Analyse demandée : {{analysis}}
            Machine : {{hostname}}
            Statistiques calculées (JSON) :
            {{statistics}}
            Événements système récents :
            {{events}}
            """,
        english: """
            Requested analysis: {{analysis}}
            Machine: {{hostname}}
            Computed statistics (JSON):
            {{statistics}}
            Recent system events:
            {{events}}
            """)
}
