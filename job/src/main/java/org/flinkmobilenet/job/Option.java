package org.flinkmobilenet.job;

/**
 * One command-line option of the job, for parsing and for {@code --help}.
 *
 * @param name         without the leading dashes
 * @param value        how the value is shown in the help (e.g. "MS"), or null for a flag without value
 * @param defaultValue shown in the help; null when there is none
 * @param help         one sentence or two
 */
record Option(String name, String value, String defaultValue, String help) {

    boolean isFlag() {
        return value == null;
    }
}
