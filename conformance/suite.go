package conformance

import "slices"

// suite is the scenario tree in the order it runs: one branch per resource,
// each in the file named after it (a large resource in several files named
// resource_topic.go), its scenarios in the order the file lists them. The
// order is this list's, not the files' or their init functions'.
func suite() []scenario {
	return slices.Concat(
		systemScenarios,
		containerScenarios,
		containerRunScenarios,
		containerLifecycleScenarios,
		containerLogsScenarios,
		containerFilesScenarios,
		containerAttachScenarios,
		containerStateScenarios,
		execScenarios,
		execTTYScenarios,
		attachScenarios,
		logsScenarios,
		imageScenarios,
		imageBuildScenarios,
		imageLegacyBuildScenarios,
		networkScenarios,
		volumeScenarios,
		eventScenarios,
		pluginScenarios,
		sessionScenarios,
		distributionScenarios,
		registryScenarios,
		swarmScenarios,
		versionScenarios,
	)
}
