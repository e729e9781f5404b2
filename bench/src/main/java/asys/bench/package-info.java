/** JMH benchmarks of the runtime against its peers (issue 6). */
package asys.bench;
